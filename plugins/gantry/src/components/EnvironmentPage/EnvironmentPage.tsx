import { useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button, Grid, Typography } from '@material-ui/core';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EnvironmentWorkflow,
  gantryEnvironmentsApiRef,
} from '../../api/EnvironmentsApi';
import { formatTime } from '../common/ApprovalSubject';
import { shortHash, words } from '../EnvironmentChips/EnvironmentChips';
import { DriftChecks } from '../DriftChecks';
import { EnvironmentCard } from '../EnvironmentCard';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';
import { EnvironmentSync } from '../EnvironmentSync';
import { PromotionsHistory } from '../PromotionsHistory';
import { SnapshotsList } from '../SnapshotsList';
import { WorkflowDefinitionDialog } from './WorkflowDefinitionDialog';

/** One environment: its settings, the workflows it runs, its snapshots and promotions. */
export function EnvironmentPage(props: { tenant?: string }) {
  const { tenant } = props;
  const { name = '' } = useParams();
  const api = useApi(gantryEnvironmentsApiRef);
  const paths = useEnvironmentsPaths();
  const [viewing, setViewing] = useState<string | undefined>();
  const state = useAsyncRetry(
    () => api.getEnvironment(name, { tenant }),
    [api, name, tenant],
  );

  // keep the page (and an open restore dialog) while a reload runs
  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const env = state.value!;

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Typography variant="body2">
          <Link to={paths.base}>Environments</Link> / {env.name}
        </Typography>
      </Grid>
      <Grid item xs={12} md={4}>
        <EnvironmentCard
          environment={env}
          workflowCount={env.workflows.length}
          tenant={tenant}
        />
      </Grid>
      <Grid item xs={12} md={8}>
        <InfoCard title="Settings">
          <StructuredMetadataTable
            metadata={{
              id: env.id,
              'drift mode': words(env.driftMode),
              'git repository': env.gitUrl ?? 'none',
              secrets: env.secretNames.length
                ? env.secretNames.join(', ')
                : 'none',
              settings: JSON.stringify(env.settings),
              'created by': `${env.createdBy}, ${formatTime(env.createdAt)}`,
            }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Table<EnvironmentWorkflow>
          title="Workflows"
          options={{ paging: false, search: false }}
          data={env.workflows}
          columns={[
            { title: 'Workflow', field: 'name' },
            { title: 'Version', render: w => <code>{shortHash(w.hash)}</code> },
            { title: 'Active', render: w => (w.active ? 'yes' : 'no') },
            {
              title: 'Came by',
              render: w => (w.source === 'direct' ? 'direct edit' : w.source),
            },
            { title: 'Deployed by', field: 'deployedBy' },
            { title: 'Deployed', render: w => formatTime(w.deployedAt) },
            {
              title: '',
              render: w => (
                <Button
                  size="small"
                  aria-label={`View ${w.name}`}
                  onClick={() => setViewing(w.name)}
                >
                  View
                </Button>
              ),
            },
          ]}
        />
      </Grid>
      <Grid item xs={12}>
        <DriftChecks environmentId={env.id} tenant={tenant} />
      </Grid>
      <Grid item xs={12}>
        <EnvironmentSync
          environmentId={env.id}
          environmentName={env.name}
          tenant={tenant}
          onSynced={state.retry}
        />
      </Grid>
      <Grid item xs={12}>
        <SnapshotsList
          environment={env}
          tenant={tenant}
          onRestored={state.retry}
        />
      </Grid>
      <Grid item xs={12}>
        <PromotionsHistory
          tenant={tenant}
          environmentId={env.id}
          title={`Promotions from or to ${env.name}`}
        />
      </Grid>
      {viewing && (
        <WorkflowDefinitionDialog
          environmentId={env.id}
          name={viewing}
          tenant={tenant}
          onClose={() => setViewing(undefined)}
        />
      )}
    </Grid>
  );
}
