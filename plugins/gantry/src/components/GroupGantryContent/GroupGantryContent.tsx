import {
  parseEntityRef,
  stringifyEntityRef,
  Entity,
} from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Grid } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef, ProviderSummary } from '../../api';
import { WorkflowLinks } from '../common/WorkflowLinks';
import { TeamApprovals } from '../TeamApprovals/TeamApprovals';
import { TeamRuns } from '../TeamRuns/TeamRuns';

/** Whether a provider's `owner` (an entity ref, or a bare group name) is `ref`. */
function ownedBy(provider: ProviderSummary, ref: string): boolean {
  if (!provider.owner) return false;
  try {
    const owner = parseEntityRef(provider.owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    return (
      stringifyEntityRef(owner).toLocaleLowerCase('en-US') ===
      ref.toLocaleLowerCase('en-US')
    );
  } catch {
    return false;
  }
}

/** A team's Gantry tab: its providers, their recent runs, and what waits for the team. */
export function GroupGantryContent({ entity }: { entity: Entity }) {
  const api = useApi(gantryApiRef);
  const ref = stringifyEntityRef(entity);
  const team = entity.metadata.name;
  const { value, loading, error } = useAsync(() => api.listProviders(), [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const owned = (value?.items ?? []).filter(p => ownedBy(p, ref));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {owned.length === 0 ? (
          <EmptyState
            missing="content"
            title={`${team} publishes no providers`}
            description={`A provider whose provider.yaml says owner: ${ref} shows here with its workflows.`}
          />
        ) : (
          <Table<ProviderSummary>
            title="Providers of this team"
            options={{ paging: false, search: false }}
            data={owned}
            columns={[
              { title: 'Provider', field: 'name' },
              { title: 'Description', field: 'description' },
              {
                title: 'Workflows',
                render: p => <WorkflowLinks provider={p} />,
              },
              {
                title: 'Health',
                render: p => (p.healthy ? 'ok' : `${p.errors.length} problems`),
              },
            ]}
          />
        )}
      </Grid>
      {owned.length > 0 && (
        <Grid item xs={12}>
          <TeamRuns team={team} providers={owned.map(p => p.name)} />
        </Grid>
      )}
      <Grid item xs={12}>
        <TeamApprovals groupRef={ref} />
      </Grid>
    </Grid>
  );
}
