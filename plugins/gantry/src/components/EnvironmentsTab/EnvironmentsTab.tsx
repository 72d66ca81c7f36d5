import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gantryEnvironmentManagePermission } from '@internal/plugin-gantry-common';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryEnvironmentsApiRef } from '../../api/EnvironmentsApi';
import { EnvironmentCard } from '../EnvironmentCard';
import { NewEnvironmentDialog } from '../NewEnvironmentDialog';
import { WorkflowMatrix } from '../WorkflowMatrix';

/** The tenant's environments as cards, then which workflow versions each runs. */
export function EnvironmentsTab(props: { tenant?: string }) {
  const { tenant } = props;
  const api = useApi(gantryEnvironmentsApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed: mayManage } = usePermission({
    permission: gantryEnvironmentManagePermission,
  });
  const [creating, setCreating] = useState(false);

  const state = useAsyncRetry(async () => {
    const [list, pipelines] = await Promise.all([
      api.listEnvironments({ tenant }),
      api.listPipelines({ tenant }),
    ]);
    // the list has no workflows; the matrix needs every environment's
    const details = await Promise.all(
      list.items.map(env => api.getEnvironment(env.id, { tenant })),
    );
    return { details, adapters: list.adapters, pipelines: pipelines.items };
  }, [api, tenant]);

  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { details, adapters, pipelines } = state.value!;

  return (
    <>
      <Box display="flex" alignItems="center" mb={2}>
        <Typography variant="h6">Environments</Typography>
        <Box flexGrow={1} />
        {mayManage && (
          <Button
            variant="contained"
            color="primary"
            onClick={() => setCreating(true)}
          >
            New environment
          </Button>
        )}
      </Box>
      {details.length === 0 ? (
        <EmptyState
          missing="data"
          title="No environments yet"
          description="Register the places workflows run in — dev, staging, production — to promote workflows between them."
        />
      ) : (
        <>
          <Grid container spacing={2}>
            {details.map(env => (
              <Grid item xs={12} sm={6} md={4} key={env.id}>
                <EnvironmentCard
                  environment={env}
                  workflowCount={env.workflows.length}
                  tenant={tenant}
                />
              </Grid>
            ))}
          </Grid>
          <Box mt={4}>
            <WorkflowMatrix environments={details} pipelines={pipelines} />
          </Box>
        </>
      )}
      {creating && (
        <NewEnvironmentDialog
          adapters={adapters}
          tenant={tenant}
          onClose={() => setCreating(false)}
          onCreated={env => {
            alertApi.post({
              message: `Environment ${env.name} created`,
              severity: 'success',
              display: 'transient',
            });
            state.retry();
          }}
        />
      )}
    </>
  );
}
