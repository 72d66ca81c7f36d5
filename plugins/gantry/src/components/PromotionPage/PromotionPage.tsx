import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Grid } from '@material-ui/core';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { gantryEnvironmentsApiRef } from '../../api/EnvironmentsApi';
import { GateResults } from '../GateResults';
import { PromotionResult } from '../PromotionResult';
import { useNames } from '../PromotionsHistory/useNames';
import { WorkflowDiffList } from '../WorkflowDiffList';

/** One promotion: where it stands (kept current), its diff and its gates as evaluated when it started. */
export function PromotionPage(props: { tenant?: string }) {
  const { tenant } = props;
  const { id = '' } = useParams();
  const api = useApi(gantryEnvironmentsApiRef);
  const nameOf = useNames(tenant);
  const state = useAsync(
    () => api.getPromotion(id, { tenant }),
    [api, id, tenant],
  );

  if (state.loading) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const promotion = state.value!;
  const source = nameOf(promotion.sourceEnvironmentId);
  const target = nameOf(promotion.targetEnvironmentId);
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <InfoCard
          title={`${source} → ${target}`}
          subheader={`pipeline ${nameOf(promotion.pipelineId)}, stage ${
            promotion.stage + 1
          }, by ${promotion.createdBy}`}
        >
          <PromotionResult
            promotion={promotion}
            tenant={tenant}
            allowRollback
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Changes">
          <WorkflowDiffList
            diff={promotion.diff}
            leftTitle={`${target} (before)`}
            rightTitle={`${source} (promoted)`}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Gates">
          <GateResults gates={promotion.gates} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
