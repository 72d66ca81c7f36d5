import { ReactNode, useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Typography,
} from '@material-ui/core';
import { messageOf } from './errors';

/**
 * A dialog with fields, the reason of the last failure, Cancel and a submit
 * button that stays disabled while `submit` runs. The dialog closes when
 * `submit` resolves; a thrown error is shown and the fields keep their values.
 */
export function FormDialog(props: {
  title: string;
  maxWidth?: 'sm' | 'md';
  submitLabel: string;
  busyLabel?: string;
  canSubmit?: boolean;
  submit: () => Promise<void>;
  onClose: () => void;
  children: ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const run = async () => {
    setProblem(undefined);
    setBusy(true);
    try {
      await props.submit();
      props.onClose();
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      onClose={props.onClose}
      fullWidth
      maxWidth={props.maxWidth ?? 'sm'}
    >
      <DialogTitle>{props.title}</DialogTitle>
      <DialogContent>
        {props.children}
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
          disabled={busy || props.canSubmit === false}
          onClick={run}
        >
          {busy && props.busyLabel ? props.busyLabel : props.submitLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
