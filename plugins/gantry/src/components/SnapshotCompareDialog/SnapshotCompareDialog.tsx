import { useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { gantryEnvironmentsApiRef, Snapshot } from '../../api/EnvironmentsApi';
import { formatTime } from '../common/ApprovalSubject';
import { WorkflowDiffList } from '../WorkflowDiffList';

// a comparison has no source and target: say what happened between the two
const LABELS = {
  ADDED: 'added',
  MODIFIED: 'changed',
  TARGET_ONLY: 'removed',
  UNCHANGED: 'unchanged',
} as const;

const label = (s: Snapshot) =>
  `${s.id} · ${s.kind.replace('_', ' ')} · ${formatTime(s.createdAt)}`;

/**
 * What changed between a snapshot and another one of the same environment,
 * always read from the older to the newer.
 */
export function SnapshotCompareDialog(props: {
  snapshot: Snapshot;
  /** The snapshots to choose from, newest first (the loaded list). */
  snapshots: Snapshot[];
  tenant?: string;
  onClose: () => void;
}) {
  const { snapshot, snapshots, tenant } = props;
  const api = useApi(gantryEnvironmentsApiRef);
  const others = snapshots.filter(s => s.id !== snapshot.id);
  const index = snapshots.findIndex(s => s.id === snapshot.id);
  // the one taken just before, else the one just after
  const [otherId, setOtherId] = useState(
    (snapshots[index + 1] ?? snapshots[index - 1] ?? others[0])?.id,
  );
  const other = others.find(s => s.id === otherId);
  const [older, newer] =
    other && Date.parse(other.createdAt) > Date.parse(snapshot.createdAt)
      ? [snapshot, other]
      : [other, snapshot];

  const comparison = useAsync(async () => {
    if (!older || !newer) return undefined;
    return api.compareSnapshots(older.id, newer.id, { tenant });
  }, [api, older?.id, newer?.id, tenant]);

  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="lg">
      <DialogTitle>Compare snapshot {snapshot.id}</DialogTitle>
      <DialogContent>
        {others.length === 0 ? (
          'There is no other snapshot to compare with.'
        ) : (
          <>
            <TextField
              id="gantry-compare-with"
              select
              label="Compare with"
              value={otherId ?? ''}
              onChange={e => setOtherId(e.target.value)}
              fullWidth
              margin="dense"
            >
              {others.map(s => (
                <MenuItem key={s.id} value={s.id}>
                  {label(s)}
                </MenuItem>
              ))}
            </TextField>
            {comparison.loading && <Progress />}
            {comparison.error && (
              <ResponseErrorPanel error={comparison.error} />
            )}
            {comparison.value && (
              <WorkflowDiffList
                diff={comparison.value.diff}
                statusLabels={LABELS}
                leftTitle={`${older!.id} (older)`}
                rightTitle={`${newer!.id} (newer)`}
              />
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
