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
import { Approval, gantryApiRef } from '../../api';
import { messageOf, statusOf } from '../common/errors';

export type Decision = 'approve' | 'deny';

/**
 * Confirms a decision with an optional comment. Losing a race (409) is
 * normal with several approvers, so it is explained, not thrown.
 */
export function DecisionDialog(props: {
  approval: Approval;
  decision: Decision;
  onClose: () => void;
  /** Called once the inbox has changed: decided here or by someone else. */
  onDecided: (approval?: Approval) => void;
}) {
  const { approval, decision, onClose, onDecided } = props;
  const api = useApi(gantryApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const verb = decision === 'approve' ? 'Approve' : 'Deny';

  // the approval as it is now names who won; the 409's text is the fallback
  const explainConflict = async (conflict: unknown) => {
    try {
      const current = await api.getApproval(approval.id);
      // still pending: the caller's own earlier decision waits for others
      if (current.status === 'pending') return messageOf(conflict);
      const by = current.decidedBy ?? 'someone else';
      return `Already decided by ${by} (${current.status}).`;
    } catch {
      return `Already decided by someone else: ${messageOf(conflict)}`;
    }
  };

  const submit = async () => {
    setBusy(true);
    try {
      const decided = await api.decideApproval(
        approval.id,
        decision,
        comment.trim() || undefined,
      );
      onDecided(decided);
      onClose();
    } catch (e) {
      const status = statusOf(e);
      if (status === 409) {
        setProblem(await explainConflict(e));
        onDecided();
      } else if (status === 403) {
        setProblem(`You may not decide this request: ${messageOf(e)}`);
      } else {
        setProblem(messageOf(e));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>
        {verb}: {approval.message}
      </DialogTitle>
      <DialogContent>
        {problem ? (
          <Typography color="error" role="alert">
            {problem}
          </Typography>
        ) : (
          <TextField
            id="gantry-decision-comment"
            fullWidth
            multiline
            minRows={2}
            label="Comment (optional)"
            value={comment}
            onChange={e => setComment(e.target.value)}
            inputProps={{ maxLength: 2000 }}
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{problem ? 'Close' : 'Cancel'}</Button>
        {!problem && (
          <Button
            color="primary"
            variant="contained"
            disabled={busy}
            onClick={submit}
          >
            {verb}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
