import {
  Box,
  Chip,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { DriftedWorkflow, DriftKind } from '../../api/DriftApi';
import { shortHash } from '../EnvironmentChips/EnvironmentChips';
import { SideBySideDiff } from '../SideBySideDiff';

const KIND_HELP: Record<DriftKind, string> = {
  modified: 'content differs from what Gantry deployed',
  missing: 'deployed by Gantry, gone from the platform',
  unexpected: 'on the platform, never deployed through Gantry',
  activation: 'same content, but switched on or off by hand',
};

const KIND_COLORS: Record<DriftKind, string> = {
  modified: '#c62828',
  missing: '#757575',
  unexpected: '#1565c0',
  activation: '#ef6c00',
};

const useStyles = makeStyles(theme => ({
  value: {
    fontFamily: 'monospace',
    fontSize: 12,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    margin: 0,
  },
  expected: { background: 'rgba(198, 40, 40, 0.08)' },
  live: { background: 'rgba(46, 125, 50, 0.08)' },
  card: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: 4,
    padding: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
}));

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** One drifted workflow: its kind, the changes by JSON pointer and the diff. */
export function DriftedWorkflowView({ drift }: { drift: DriftedWorkflow }) {
  const classes = useStyles();
  return (
    <section
      className={classes.card}
      aria-label={`Drift of ${drift.name}`}
      data-workflow={drift.name}
    >
      <Box display="flex" alignItems="center" mb={1} style={{ gap: 8 }}>
        <Typography variant="h6">{drift.name}</Typography>
        <Chip
          size="small"
          label={drift.kind}
          data-kind="drift-kind"
          data-value={drift.kind}
          style={{ backgroundColor: KIND_COLORS[drift.kind], color: '#fff' }}
        />
        <Typography variant="body2" color="textSecondary">
          {KIND_HELP[drift.kind]}
        </Typography>
      </Box>
      <Typography variant="body2" paragraph>
        expected{' '}
        <code>{drift.expectedHash ? shortHash(drift.expectedHash) : '—'}</code>
        {' · '}live{' '}
        <code>{drift.liveHash ? shortHash(drift.liveHash) : '—'}</code>
        {drift.expectedActive !== drift.liveActive &&
          drift.liveActive !== undefined && (
            <>
              {' · '}active: expected {String(drift.expectedActive ?? '—')},
              live {String(drift.liveActive)}
            </>
          )}
      </Typography>
      {drift.changes.length > 0 && (
        <Table size="small" aria-label={`Changes of ${drift.name}`}>
          <TableHead>
            <TableRow>
              <TableCell>JSON pointer</TableCell>
              <TableCell>Change</TableCell>
              <TableCell>Expected</TableCell>
              <TableCell>Live</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {drift.changes.map((c, i) => (
              <TableRow key={`${c.path}-${i}`}>
                <TableCell>
                  <code>{c.path || '/'}</code>
                </TableCell>
                <TableCell>{c.kind}</TableCell>
                <TableCell className={classes.expected}>
                  <pre className={classes.value}>{show(c.expected)}</pre>
                </TableCell>
                <TableCell className={classes.live}>
                  <pre className={classes.value}>{show(c.live)}</pre>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {drift.patch && (
        <Box mt={2}>
          <SideBySideDiff
            patch={drift.patch}
            leftTitle="Expected (deployed by Gantry)"
            rightTitle="Live"
          />
        </Box>
      )}
    </section>
  );
}
