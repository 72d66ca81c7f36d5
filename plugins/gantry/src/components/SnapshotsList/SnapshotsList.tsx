import { useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gantryEnvironmentManagePermission } from '@internal/plugin-gantry-common';
import { Box, Button, Typography } from '@material-ui/core';
import {
  Environment,
  gantryEnvironmentsApiRef,
  Snapshot,
} from '../../api/EnvironmentsApi';
import { formatTime } from '../common/ApprovalSubject';
import { useCursorPages } from '../common/useCursorPages';
import { shortHash, words } from '../EnvironmentChips/EnvironmentChips';
import { RestoreDialog } from '../RestoreDialog';
import { SnapshotCompareDialog } from '../SnapshotCompareDialog';
import { TakeSnapshotDialog } from './TakeSnapshotDialog';

type Open =
  | { dialog: 'take' }
  | { dialog: 'restore' | 'compare'; snapshot: Snapshot };

/** An environment's snapshots, newest first: take one, restore one, compare two. */
export function SnapshotsList(props: {
  environment: Pick<Environment, 'id' | 'name'>;
  tenant?: string;
  /** Called after a restore changed the environment's workflows. */
  onRestored?: () => void;
}) {
  const { environment, tenant } = props;
  const api = useApi(gantryEnvironmentsApiRef);
  const { allowed: mayManage } = usePermission({
    permission: gantryEnvironmentManagePermission,
  });
  const snapshots = useCursorPages(
    cursor => api.listSnapshots(environment.id, { tenant, cursor }),
    [api, environment.id, tenant],
  );
  const [open, setOpen] = useState<Open | undefined>();
  const close = () => setOpen(undefined);

  if (snapshots.loading && snapshots.items.length === 0) return <Progress />;
  if (snapshots.error) return <ResponseErrorPanel error={snapshots.error} />;

  return (
    <>
      <Box display="flex" alignItems="center" mb={1}>
        <Typography variant="h6">Snapshots</Typography>
        <Box flexGrow={1} />
        {mayManage && (
          <Button
            variant="outlined"
            color="primary"
            onClick={() => setOpen({ dialog: 'take' })}
          >
            Take snapshot
          </Button>
        )}
      </Box>
      {snapshots.items.length === 0 ? (
        <Typography>
          No snapshots yet. Promotions and restores take one before and after; a
          backup schedule takes them regularly.
        </Typography>
      ) : (
        <Table<Snapshot>
          options={{ paging: false, search: false, toolbar: false }}
          data={snapshots.items}
          columns={[
            { title: 'Kind', render: s => words(s.kind) },
            {
              title: 'Created',
              render: s => (
                <>
                  {formatTime(s.createdAt)}
                  <Typography variant="caption" display="block">
                    {s.createdBy}
                  </Typography>
                </>
              ),
            },
            { title: 'Note', render: s => s.note ?? '' },
            {
              title: 'Content',
              render: s => (
                <>
                  <code>{shortHash(s.contentHash)}</code>{' '}
                  <Typography variant="caption">
                    {s.content.length} workflow
                    {s.content.length === 1 ? '' : 's'}
                  </Typography>
                </>
              ),
            },
            {
              title: 'Git commit',
              render: s => <code>{shortHash(s.gitCommit, 7)}</code>,
            },
            {
              title: '',
              render: s => (
                <Box display="flex" style={{ gap: 4 }}>
                  {mayManage && (
                    <Button
                      size="small"
                      onClick={() =>
                        setOpen({ dialog: 'restore', snapshot: s })
                      }
                    >
                      Restore…
                    </Button>
                  )}
                  <Button
                    size="small"
                    onClick={() => setOpen({ dialog: 'compare', snapshot: s })}
                  >
                    Compare with…
                  </Button>
                </Box>
              ),
            },
          ]}
        />
      )}
      {snapshots.more && (
        <Button onClick={snapshots.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
      {open?.dialog === 'take' && (
        <TakeSnapshotDialog
          environmentId={environment.id}
          environmentName={environment.name}
          tenant={tenant}
          onClose={close}
          onTaken={snapshots.reload}
        />
      )}
      {open?.dialog === 'restore' && (
        <RestoreDialog
          snapshot={open.snapshot}
          environmentName={environment.name}
          tenant={tenant}
          onClose={close}
          onRestored={() => {
            snapshots.reload();
            props.onRestored?.();
          }}
        />
      )}
      {open?.dialog === 'compare' && (
        <SnapshotCompareDialog
          snapshot={open.snapshot}
          snapshots={snapshots.items}
          tenant={tenant}
          onClose={close}
        />
      )}
    </>
  );
}
