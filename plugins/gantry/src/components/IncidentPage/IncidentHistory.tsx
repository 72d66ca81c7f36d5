import { Box, Typography } from '@material-ui/core';
import type { IncidentTransition } from '../../api/DriftApi';
import { formatTime } from '../common/ApprovalSubject';
import { STATE_COLORS } from '../DriftChips';

const VERBS: Record<IncidentTransition['action'], string> = {
  detect: 'detected',
  expire: 'expired',
  acknowledge: 'acknowledged',
  stabilize: 'stabilized',
  reconcile: 'reconciled',
  close: 'closed',
  extend_ttl: 'extended the TTL',
};

/** The incident's transitions as a timeline, oldest first. */
export function IncidentHistory({
  history,
}: {
  history: IncidentTransition[];
}) {
  if (history.length === 0) {
    return <Typography variant="body2">Nothing happened yet.</Typography>;
  }
  return (
    <Box
      component="ol"
      aria-label="Incident history"
      style={{ listStyle: 'none', padding: 0, margin: 0 }}
    >
      {history.map((t, i) => (
        <Box
          component="li"
          key={i}
          display="flex"
          pb={1.5}
          data-action={t.action}
        >
          <Box
            mr={2}
            mt={0.5}
            width={12}
            height={12}
            borderRadius={6}
            flexShrink={0}
            style={{ background: STATE_COLORS[t.to] }}
          />
          <Box>
            <Typography variant="body2">
              <b>{t.actor}</b> {VERBS[t.action] ?? t.action}
              {t.from && t.from !== t.to
                ? ` · ${t.from.toLowerCase()} → ${t.to.toLowerCase()}`
                : ` · ${t.to.toLowerCase()}`}
            </Typography>
            <Typography variant="caption" color="textSecondary">
              {formatTime(t.at)}
            </Typography>
            {t.note && <Typography variant="body2">{t.note}</Typography>}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
