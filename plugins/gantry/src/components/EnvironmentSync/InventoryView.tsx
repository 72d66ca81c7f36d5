import { Box, Chip, Grid, Typography } from '@material-ui/core';
import { Table } from '@backstage/core-components';
import type { EnvironmentInventory } from '../../api/DriftApi';
import { formatTime } from '../common/ApprovalSubject';
import { StatusChip } from '../common/StatusChip';

type Credential = EnvironmentInventory['credentials'][number];
type Execution = EnvironmentInventory['executions'][number];

/** What the last syncs found: credentials (metadata only), tags and recent executions. */
export function InventoryView({
  inventory,
}: {
  inventory: EnvironmentInventory;
}) {
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Typography variant="body2" color="textSecondary">
          {inventory.syncedAt
            ? `Last synced ${formatTime(inventory.syncedAt)}`
            : 'Not synced yet: start a sync to read credentials, tags and executions.'}
        </Typography>
      </Grid>
      <Grid item xs={12} md={6}>
        <Table<Credential>
          title="Credentials"
          options={{ paging: false, search: false, padding: 'dense' }}
          data={inventory.credentials}
          localization={{ body: { emptyDataSourceMessage: 'No credentials.' } }}
          columns={[
            { title: 'Name', field: 'name' },
            { title: 'Type', field: 'type' },
            {
              title: 'Used by',
              render: c => (c.usedBy.length ? c.usedBy.join(', ') : 'unused'),
            },
          ]}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Table<Execution>
          title="Recent executions"
          options={{ paging: false, search: false, padding: 'dense' }}
          data={inventory.executions}
          localization={{ body: { emptyDataSourceMessage: 'No executions.' } }}
          columns={[
            { title: 'Execution', field: 'externalId' },
            { title: 'Workflow', render: x => x.workflowName ?? '—' },
            { title: 'Status', render: x => <StatusChip status={x.status} /> },
            { title: 'Started', render: x => formatTime(x.startedAt) },
            { title: 'Finished', render: x => formatTime(x.finishedAt) },
          ]}
        />
      </Grid>
      <Grid item xs={12}>
        <Typography variant="subtitle2">Tags</Typography>
        <Box
          display="flex"
          flexWrap="wrap"
          style={{ gap: 6 }}
          aria-label="Tags"
        >
          {inventory.tags.length === 0 ? (
            <Typography variant="body2">No tags.</Typography>
          ) : (
            inventory.tags.map(t => <Chip key={t} size="small" label={t} />)
          )}
        </Box>
      </Grid>
    </Grid>
  );
}
