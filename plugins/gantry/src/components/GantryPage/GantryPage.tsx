import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
  TabbedLayout,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gantryAuditReadPermission } from '@internal/plugin-gantry-common';
import { Grid, Typography } from '@material-ui/core';
import { Route, Routes } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef } from '../../api';
import { ApplicationPage } from '../ApplicationPage/ApplicationPage';
import { ApplicationsTab } from '../ApplicationsTab/ApplicationsTab';
import { ApprovalsTab } from '../ApprovalsTab/ApprovalsTab';
import { AuditTab } from '../AuditTab/AuditTab';
import { EnvironmentsRoutes } from '../EnvironmentsRoutes';
import { ObservabilityTab } from '../ObservabilityTab';
import { HooksTab } from '../HooksTab/HooksTab';
import { ProvidersTab } from '../ProvidersTab/ProvidersTab';
import { RunPage } from '../RunPage/RunPage';
import { RunsTab } from '../RunsTab/RunsTab';
import { WorkflowPage } from '../WorkflowPage/WorkflowPage';

function BackendStatusCard() {
  const gantryApi = useApi(gantryApiRef);
  const { value, loading, error } = useAsync(() => gantryApi.getHealth(), []);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const { client, migrations } = value!.database;
  return (
    <InfoCard title="Backend status">
      <StructuredMetadataTable
        metadata={{
          status: value!.status,
          database: client,
          'migrations applied': migrations.applied.length,
          'migrations pending': migrations.pending.length,
        }}
      />
    </InfoCard>
  );
}

function Overview() {
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <BackendStatusCard />
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Getting started">
          <Typography paragraph>
            Open <b>Providers</b> to see what product teams offer and run a
            workflow; follow it live under <b>Runs</b>; decide approval steps
            under <b>Approvals</b>; admins review who changed what under{' '}
            <b>Audit</b>.
          </Typography>
          <Typography>
            From a terminal:{' '}
            <code>
              npx gantry run providers/examples/workflows/hello-world.yaml
              --local
            </code>
          </Typography>
        </InfoCard>
      </Grid>
    </Grid>
  );
}

function Home() {
  // the backend refuses the audit log to others; hide the tab instead of a 403
  const { allowed: mayReadAudit } = usePermission({
    permission: gantryAuditReadPermission,
  });
  return (
    <Page themeId="tool">
      <Header
        title="Gantry"
        subtitle="Workflow orchestration for providers, environments and promotions"
      />
      <Content>
        <TabbedLayout>
          <TabbedLayout.Route path="/" title="Overview">
            <Overview />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/providers" title="Providers">
            <ProvidersTab />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/runs" title="Runs">
            <RunsTab />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/applications" title="Applications">
            <ApplicationsTab />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/environments" title="Environments">
            <EnvironmentsRoutes />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/approvals" title="Approvals">
            <ApprovalsTab />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/observability" title="Observability">
            <ObservabilityTab />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/hooks" title="Hooks">
            <HooksTab />
          </TabbedLayout.Route>
          {mayReadAudit && (
            <TabbedLayout.Route path="/audit" title="Audit">
              <AuditTab />
            </TabbedLayout.Route>
          )}
        </TabbedLayout>
      </Content>
    </Page>
  );
}

/** Gantry's pages: the tabbed home, a workflow, a run, an application. */
export function GantryPage() {
  return (
    <Routes>
      <Route path="/runs/:runId" element={<RunPage />} />
      <Route path="/applications/:name" element={<ApplicationPage />} />
      <Route
        path="/providers/:provider/workflows/:workflow"
        element={<WorkflowPage />}
      />
      <Route path="/*" element={<Home />} />
    </Routes>
  );
}
