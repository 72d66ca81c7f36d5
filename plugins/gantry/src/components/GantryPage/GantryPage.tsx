import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
  SupportButton,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Grid } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef } from '../../api';

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

export function GantryPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Gantry"
        subtitle="Workflow orchestration for providers, environments and promotions"
      />
      <Content>
        <ContentHeader title="Overview">
          <SupportButton>
            Gantry runs provider workflows, promotions and hooks.
          </SupportButton>
        </ContentHeader>
        <Grid container spacing={3}>
          <Grid item xs={12} md={6}>
            <BackendStatusCard />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
