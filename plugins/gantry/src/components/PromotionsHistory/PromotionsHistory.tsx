import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { gantryEnvironmentsApiRef, Promotion } from '../../api/EnvironmentsApi';
import { formatTime } from '../common/ApprovalSubject';
import { useCursorPages } from '../common/useCursorPages';
import {
  PromotionStatusChip,
  RiskChip,
} from '../EnvironmentChips/EnvironmentChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';
import { useNames } from './useNames';

/** Promotions, newest first; `environmentId` keeps those from or to one environment. */
export function PromotionsHistory(props: {
  tenant?: string;
  environmentId?: string;
  title?: string;
}) {
  const { tenant, environmentId } = props;
  const api = useApi(gantryEnvironmentsApiRef);
  const paths = useEnvironmentsPaths();
  const nameOf = useNames(tenant);
  const promotions = useCursorPages(
    cursor =>
      api.listPromotions({ tenant, environment: environmentId, cursor }),
    [api, tenant, environmentId],
  );

  if (promotions.loading && promotions.items.length === 0) return <Progress />;
  if (promotions.error) return <ResponseErrorPanel error={promotions.error} />;
  if (promotions.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No promotions yet"
        description="Promote workflows from one environment to the next under Promote."
      />
    );
  }
  return (
    <>
      <Table<Promotion>
        title={props.title ?? 'Promotions'}
        options={{ paging: false, search: false }}
        data={promotions.items}
        columns={[
          {
            title: 'Promotion',
            render: p => <Link to={paths.promotion(p.id)}>{p.id}</Link>,
          },
          {
            title: 'Status',
            render: p => <PromotionStatusChip value={p.status} />,
          },
          {
            title: 'Stage',
            render: p => (
              <>
                <Link to={paths.environment(nameOf(p.sourceEnvironmentId))}>
                  {nameOf(p.sourceEnvironmentId)}
                </Link>
                {' → '}
                <Link to={paths.environment(nameOf(p.targetEnvironmentId))}>
                  {nameOf(p.targetEnvironmentId)}
                </Link>
              </>
            ),
          },
          { title: 'Pipeline', render: p => nameOf(p.pipelineId) },
          { title: 'Workflows', render: p => p.workflows.join(', ') },
          {
            title: 'Risk',
            render: p => (p.risk ? <RiskChip value={p.risk} /> : ''),
          },
          { title: 'Started by', field: 'createdBy' },
          { title: 'Created', render: p => formatTime(p.createdAt) },
        ]}
      />
      {promotions.more && (
        <Button onClick={promotions.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
    </>
  );
}
