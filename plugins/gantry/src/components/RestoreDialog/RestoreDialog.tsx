import { useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import {
  gantryEnvironmentsApiRef,
  RestoreChange,
  Snapshot,
} from '../../api/EnvironmentsApi';
import { messageOf } from '../common/errors';

function effectOf(change: RestoreChange): string {
  if (change.definition === null) return 'removed (not in the snapshot)';
  return change.active ? 'restored' : 'restored, inactive';
}

/**
 * Restores an environment to a snapshot after showing what would change.
 * The backend snapshots the current state first, so a restore can itself be
 * undone.
 */
export function RestoreDialog(props: {
  snapshot: Snapshot;
  environmentName: string;
  tenant?: string;
  onClose: () => void;
  onRestored: () => void;
}) {
  const { snapshot, tenant } = props;
  const api = useApi(gantryEnvironmentsApiRef);
  const preview = useAsync(
    () => api.previewRestore(snapshot.id, undefined, { tenant }),
    [api, snapshot.id, tenant],
  );
  // names left out of the restore; everything is restored by default
  const [skipped, setSkipped] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();

  const changes = preview.value?.changes ?? [];
  const chosen = changes.filter(c => !skipped.includes(c.name));

  const restore = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await api.restoreSnapshot(
        snapshot.id,
        skipped.length ? chosen.map(c => c.name) : undefined,
        { tenant },
      );
      setDone(
        `Restored ${result.changes.length} workflow${
          result.changes.length === 1 ? '' : 's'
        }. What ran before is kept as snapshot ${result.before.id}.`,
      );
      props.onRestored();
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const body = () => {
    if (done) return <Typography>{done}</Typography>;
    if (preview.loading) return <Progress />;
    if (preview.error) return <ResponseErrorPanel error={preview.error} />;
    if (changes.length === 0) {
      return (
        <Typography>
          {props.environmentName} already runs what this snapshot holds.
        </Typography>
      );
    }
    return (
      <>
        <Typography>
          Restoring changes these workflows of {props.environmentName}:
        </Typography>
        <List dense aria-label="Restore changes">
          {changes.map(c => (
            <ListItem key={c.name} data-workflow={c.name}>
              <ListItemIcon>
                <Checkbox
                  edge="start"
                  checked={!skipped.includes(c.name)}
                  inputProps={{ 'aria-label': `Restore ${c.name}` }}
                  onChange={e =>
                    setSkipped(s =>
                      e.target.checked
                        ? s.filter(n => n !== c.name)
                        : [...s, c.name],
                    )
                  }
                />
              </ListItemIcon>
              <ListItemText primary={c.name} secondary={effectOf(c)} />
            </ListItem>
          ))}
        </List>
      </>
    );
  };

  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>Restore snapshot {snapshot.id}</DialogTitle>
      <DialogContent>
        {body()}
        {problem && (
          <Typography color="error" role="alert">
            {problem}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{done ? 'Close' : 'Cancel'}</Button>
        {!done && changes.length > 0 && (
          <Button
            color="primary"
            variant="contained"
            disabled={busy || chosen.length === 0}
            onClick={restore}
          >
            Restore
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
