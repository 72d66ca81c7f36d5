import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { gantryEnvironmentsApiRef } from '../../api/EnvironmentsApi';
import { messageOf } from '../common/errors';

/** Records what an environment runs now, with an optional note. */
export function TakeSnapshotDialog(props: {
  environmentId: string;
  environmentName: string;
  tenant?: string;
  onClose: () => void;
  onTaken: () => void;
}) {
  const api = useApi(gantryEnvironmentsApiRef);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const take = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.takeSnapshot(props.environmentId, note.trim() || undefined, {
        tenant: props.tenant,
      });
      props.onTaken();
      props.onClose();
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>Snapshot of {props.environmentName}</DialogTitle>
      <DialogContent>
        <TextField
          id="gantry-snapshot-note"
          label="Note (optional)"
          value={note}
          onChange={e => setNote(e.target.value)}
          fullWidth
          inputProps={{ maxLength: 500 }}
        />
        {problem && (
          <Typography color="error" role="alert">
            {problem}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy}
          onClick={take}
        >
          Save snapshot
        </Button>
      </DialogActions>
    </Dialog>
  );
}
