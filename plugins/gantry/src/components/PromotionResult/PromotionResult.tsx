import { useState } from 'react';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  gantryPipelineManagePermission,
  gantryPromotionCreatePermission,
} from '@internal/plugin-gantry-common';
import {
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { gantryEnvironmentsApiRef, Promotion } from '../../api/EnvironmentsApi';
import { messageOf } from '../common/errors';
import {
  PromotionStatusChip,
  ResultChip,
} from '../EnvironmentChips/EnvironmentChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';
import { FINAL_STATUSES, usePromotionPolling } from './usePromotionPolling';

const CANCELLABLE = ['PENDING', 'PENDING_APPROVAL', 'APPROVED'];

/**
 * Where a promotion stands, kept current by polling: waiting for approval
 * (with the way to the inbox), the error of a failed one, the per-workflow
 * results of a completed one.
 */
export function PromotionResult(props: {
  promotion: Promotion;
  tenant?: string;
  pollMs?: number;
  /** Offer rolling a completed promotion back (the promotion's own page). */
  allowRollback?: boolean;
}) {
  const api = useApi(gantryEnvironmentsApiRef);
  const paths = useEnvironmentsPaths();
  const { promotion, setPromotion, error } = usePromotionPolling(
    props.promotion,
    { tenant: props.tenant, pollMs: props.pollMs },
  );
  const { allowed: mayCancel } = usePermission({
    permission: gantryPromotionCreatePermission,
  });
  const { allowed: mayRollBack } = usePermission({
    permission: gantryPipelineManagePermission,
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const act = async (action: 'cancel' | 'rollback') => {
    setBusy(true);
    setProblem(undefined);
    try {
      const options = { tenant: props.tenant };
      setPromotion(
        action === 'cancel'
          ? await api.cancelPromotion(promotion.id, options)
          : await api.rollbackPromotion(promotion.id, options),
      );
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const { status } = promotion;
  return (
    <Box data-promotion={promotion.id}>
      <Box display="flex" alignItems="center" mb={1} style={{ gap: 8 }}>
        <Typography>
          Promotion{' '}
          <Link to={paths.promotion(promotion.id)}>{promotion.id}</Link>
        </Typography>
        <PromotionStatusChip value={status} />
        {!FINAL_STATUSES.includes(status) && (
          <Typography variant="caption" color="textSecondary">
            updating…
          </Typography>
        )}
      </Box>

      {status === 'PENDING_APPROVAL' && (
        <Typography paragraph>
          Waiting for approval in the inbox:{' '}
          <Link to={paths.approvals}>open the approvals</Link>. The workflows
          are promoted once the approvers agree.
        </Typography>
      )}
      {(status === 'PENDING' || status === 'APPROVED') && (
        <Typography paragraph>Starting…</Typography>
      )}
      {status === 'RUNNING' && (
        <Typography paragraph>Applying the workflows to the target…</Typography>
      )}
      {status === 'REJECTED' && (
        <Typography paragraph>
          The approvers rejected this promotion.
        </Typography>
      )}
      {status === 'CANCELLED' && (
        <Typography paragraph>The promotion was cancelled.</Typography>
      )}
      {status === 'ROLLED_BACK' && (
        <Typography paragraph>
          Rolled back: the target runs what it ran before the promotion
          {promotion.preSnapshotId
            ? ` (snapshot ${promotion.preSnapshotId})`
            : ''}
          .
        </Typography>
      )}
      {promotion.error && (
        <Typography color="error" role="alert" paragraph>
          {promotion.error}
        </Typography>
      )}
      {status === 'COMPLETED' && promotion.results.length === 0 && (
        <Typography paragraph>
          Nothing to change: the target already ran these versions.
        </Typography>
      )}
      {promotion.results.length > 0 && (
        <Table size="small" aria-label="Results">
          <TableHead>
            <TableRow>
              <TableCell>Workflow</TableCell>
              <TableCell>Result</TableCell>
              <TableCell>Error</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {promotion.results.map(r => (
              <TableRow key={r.name} data-workflow={r.name}>
                <TableCell>{r.name}</TableCell>
                <TableCell>
                  <ResultChip value={r.status} />
                </TableCell>
                <TableCell>{r.error}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      {error && (
        <Typography variant="body2" color="error">
          Could not refresh: {messageOf(error)}
        </Typography>
      )}
      {problem && (
        <Typography variant="body2" color="error" role="alert">
          {problem}
        </Typography>
      )}
      <Box mt={1} style={{ gap: 8 }} display="flex">
        {mayCancel && CANCELLABLE.includes(status) && (
          <Button
            variant="outlined"
            disabled={busy}
            onClick={() => act('cancel')}
          >
            Cancel promotion
          </Button>
        )}
        {props.allowRollback && mayRollBack && status === 'COMPLETED' && (
          <Button
            variant="outlined"
            disabled={busy}
            onClick={() => act('rollback')}
          >
            Roll back
          </Button>
        )}
      </Box>
    </Box>
  );
}
