import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gantryEnvironmentManagePermission } from '@internal/plugin-gantry-common';
import { Box, Button, Grid } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryDriftApiRef, SyncJob } from '../../api/DriftApi';
import { formatTime } from '../common/ApprovalSubject';
import { duration, StatusChip } from '../common/StatusChip';
import { useCursorPages } from '../common/useCursorPages';
import { InventoryView } from './InventoryView';
import { SyncDialog } from './SyncDialog';
import { SyncProgress } from './SyncProgress';

const counts = (job: SyncJob) =>
  Object.entries(job.counts)
    .map(([scope, n]) => `${n} ${scope}`)
    .join(', ');

/**
 * An environment's syncs: start one (all or some scopes), follow the running
 * one live, the job history and the inventory the syncs keep.
 */
export function EnvironmentSync(props: {
  environmentId: string;
  environmentName: string;
  tenant?: string;
  /** Told when a followed job finishes (the workflows may have changed). */
  onSynced?: () => void;
}) {
  const { environmentId, tenant } = props;
  const api = useApi(gantryDriftApiRef);
  const { allowed: mayManage } = usePermission({
    permission: gantryEnvironmentManagePermission,
  });
  const [starting, setStarting] = useState(false);
  const [following, setFollowing] = useState<string | undefined>();
  const jobs = useCursorPages(
    cursor => api.listSyncJobs(environmentId, { tenant, cursor, limit: 10 }),
    [api, environmentId, tenant],
  );
  const inventory = useAsyncRetry(
    () => api.getInventory(environmentId, { tenant }),
    [api, environmentId, tenant],
  );
  // a job still running when the page opens is followed too
  const running = jobs.items.find(
    j => j.status === 'pending' || j.status === 'running',
  );
  const followed = following ?? running?.id;

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <InfoCard title="Sync">
          <Box display="flex" alignItems="center" mb={followed ? 2 : 0}>
            <Box flexGrow={1}>
              Read workflows, credentials, tags and executions of{' '}
              {props.environmentName} into Gantry.
            </Box>
            {mayManage && (
              <Button
                variant="contained"
                color="primary"
                disabled={Boolean(running)}
                onClick={() => setStarting(true)}
              >
                Sync
              </Button>
            )}
          </Box>
          {followed && (
            <SyncProgress
              key={followed}
              jobId={followed}
              tenant={tenant}
              onFinished={job => {
                // keep showing the finished job once the list no longer runs it
                setFollowing(job.id);
                jobs.reload();
                inventory.retry();
                props.onSynced?.();
              }}
            />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {jobs.error && <ResponseErrorPanel error={jobs.error} />}
        <Table<SyncJob>
          title="Sync history"
          options={{ paging: false, search: false, padding: 'dense' }}
          data={jobs.items}
          isLoading={jobs.loading && jobs.items.length === 0}
          localization={{ body: { emptyDataSourceMessage: 'No syncs yet.' } }}
          columns={[
            {
              title: 'Job',
              render: j => (
                <Button size="small" onClick={() => setFollowing(j.id)}>
                  {j.id}
                </Button>
              ),
            },
            { title: 'Status', render: j => <StatusChip status={j.status} /> },
            { title: 'Scopes', render: j => j.scopes.join(', ') },
            { title: 'Found', render: j => counts(j) },
            { title: 'Adopted', field: 'adopted' },
            { title: 'By', field: 'requestedBy' },
            { title: 'Started', render: j => formatTime(j.createdAt) },
            {
              title: 'Took',
              render: j =>
                j.finishedAt ? duration(j.createdAt, j.finishedAt) : '',
            },
            { title: 'Error', render: j => j.error ?? '' },
          ]}
        />
        {jobs.more && (
          <Button onClick={jobs.more} style={{ marginTop: 8 }}>
            Load more
          </Button>
        )}
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Inventory">
          {inventory.error && <ResponseErrorPanel error={inventory.error} />}
          {inventory.loading && !inventory.value && <Progress />}
          {inventory.value && <InventoryView inventory={inventory.value} />}
        </InfoCard>
      </Grid>
      {starting && (
        <SyncDialog
          environmentId={environmentId}
          environmentName={props.environmentName}
          tenant={tenant}
          onClose={() => setStarting(false)}
          onStarted={job => {
            setFollowing(job.id);
            jobs.reload();
          }}
        />
      )}
    </Grid>
  );
}
