import { Link } from '@backstage/core-components';
import {
  Box,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { CanonicalMatrix, MatrixStatus } from '../../api/DriftApi';
import { MATRIX_COLORS } from '../DriftChips';
import { shortHash } from '../EnvironmentChips/EnvironmentChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';

export const MATRIX_LABELS: Record<MatrixStatus, string> = {
  linked: 'linked',
  out_of_date: 'out of date',
  drift: 'drift',
  missing: 'missing',
  untracked: 'untracked',
};

const MATRIX_HELP: Record<MatrixStatus, string> = {
  linked: 'runs the canonical version',
  out_of_date: 'runs an older or other recorded version',
  drift: 'changed on the platform by hand',
  missing: 'canonical, not deployed here',
  untracked: 'runs here, not in the repository',
};

const useStyles = makeStyles({
  cell: { color: '#fff', textAlign: 'center', whiteSpace: 'nowrap' },
  swatch: { width: 14, height: 14, borderRadius: 3, display: 'inline-block' },
});

/** The statuses' colours and meanings. */
export function MatrixLegend() {
  const classes = useStyles();
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      style={{ gap: 16 }}
      mt={1}
      aria-label="Legend"
      role="list"
    >
      {(Object.keys(MATRIX_LABELS) as MatrixStatus[]).map(s => (
        <Box
          key={s}
          display="flex"
          alignItems="center"
          role="listitem"
          style={{ gap: 6 }}
        >
          <span
            className={classes.swatch}
            style={{ background: MATRIX_COLORS[s] }}
          />
          <Typography variant="caption">
            <b>{MATRIX_LABELS[s]}</b> — {MATRIX_HELP[s]}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

/** Canonical workflows (and untracked ones) × environments, one coloured cell each. */
export function CanonicalMatrixTable({ matrix }: { matrix: CanonicalMatrix }) {
  const classes = useStyles();
  const paths = useEnvironmentsPaths();
  if (matrix.rows.length === 0) {
    return (
      <Typography variant="body2">
        No canonical or deployed workflow yet.
      </Typography>
    );
  }
  return (
    <>
      <Box overflow="auto">
        <Table size="small" aria-label="Canonical matrix">
          <TableHead>
            <TableRow>
              <TableCell>Workflow</TableCell>
              <TableCell>Canonical</TableCell>
              {matrix.environments.map(env => (
                <TableCell key={env.id} align="center">
                  <Link to={paths.environment(env.name)}>{env.name}</Link>
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {matrix.rows.map(row => (
              <TableRow key={row.name} data-workflow={row.name}>
                <TableCell>{row.name}</TableCell>
                <TableCell>
                  {row.canonicalHash ? (
                    <code>{shortHash(row.canonicalHash)}</code>
                  ) : (
                    '—'
                  )}
                </TableCell>
                {matrix.environments.map(env => {
                  const cell = row.cells[env.name];
                  if (!cell) {
                    return (
                      <TableCell key={env.id} align="center" data-status="none">
                        —
                      </TableCell>
                    );
                  }
                  return (
                    <TableCell
                      key={env.id}
                      className={classes.cell}
                      data-status={cell.status}
                      title={`${MATRIX_HELP[cell.status]}${
                        cell.hash ? ` (${shortHash(cell.hash)})` : ''
                      }${cell.active === false ? ', inactive' : ''}`}
                      style={{ background: MATRIX_COLORS[cell.status] }}
                    >
                      {MATRIX_LABELS[cell.status]}
                      {cell.active === false ? ' (off)' : ''}
                    </TableCell>
                  );
                })}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
      <MatrixLegend />
    </>
  );
}
