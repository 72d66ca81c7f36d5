import { ReactNode } from 'react';
import { Grid } from '@material-ui/core';
import { ApplicationDetail } from '../../api';
import { ApplicationResources } from '../ApplicationResources/ApplicationResources';
import { ApplicationRuns } from '../ApplicationRuns/ApplicationRuns';
import { DeploymentsTable } from '../DeploymentsTable/DeploymentsTable';
import { ManualWorkflows } from '../ManualWorkflows/ManualWorkflows';

/**
 * An application's manual workflows, resources, deployments and runs: the
 * catalog tab and the application page show the same pieces. `deployments`
 * replaces the table of the latest deployments, full width.
 */
export function ApplicationContent(props: {
  app: ApplicationDetail;
  deployments?: ReactNode;
}) {
  const { app, deployments } = props;
  return (
    <Grid container spacing={3}>
      {app.manualWorkflows?.length ? (
        <Grid item xs={12}>
          <ManualWorkflows
            application={app.name}
            workflows={app.manualWorkflows}
          />
        </Grid>
      ) : null}
      <Grid item xs={12} md={deployments ? 12 : 6}>
        <ApplicationResources resources={app.resources} />
      </Grid>
      <Grid item xs={12} md={deployments ? 12 : 6}>
        {deployments ?? (
          <DeploymentsTable deployments={app.deployments} pageSize={5} />
        )}
      </Grid>
      <Grid item xs={12}>
        <ApplicationRuns app={app} />
      </Grid>
    </Grid>
  );
}
