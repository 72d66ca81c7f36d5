import { useState } from 'react';
import { Link } from '@backstage/core-components';
import {
  Box,
  makeStyles,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import { EnvironmentDetail, Pipeline } from '../../api/EnvironmentsApi';
import { shortHash } from '../EnvironmentChips/EnvironmentChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';
import { buildMatrix, CellState } from './matrix';

const LABELS: Record<CellState, string> = {
  origin: '',
  in_sync: 'in sync',
  different: 'different',
  missing: 'missing',
};

const useStyles = makeStyles(theme => ({
  cell: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
  origin: {},
  in_sync: { background: 'rgba(46, 125, 50, 0.18)' },
  different: { background: 'rgba(239, 108, 0, 0.22)' },
  missing: {
    background: 'rgba(158, 158, 158, 0.18)',
    color: theme.palette.text.secondary,
  },
  caption: { display: 'block', fontFamily: theme.typography.fontFamily },
  inactive: { textDecoration: 'line-through' },
  legend: { display: 'inline-block', padding: '2px 8px', marginRight: 8 },
}));

/**
 * Which version of each workflow every environment runs, each compared with
 * the environment before it in the pipeline.
 */
export function WorkflowMatrix(props: {
  environments: EnvironmentDetail[];
  pipelines: Pipeline[];
}) {
  const classes = useStyles();
  const paths = useEnvironmentsPaths();
  const [pipelineName, setPipelineName] = useState(props.pipelines[0]?.name);
  const pipeline = props.pipelines.find(p => p.name === pipelineName);
  const { columns, rows } = buildMatrix(props.environments, pipeline);

  return (
    <>
      <Box display="flex" alignItems="center" flexWrap="wrap" mb={1}>
        <Typography variant="h6" style={{ marginRight: 16 }}>
          Workflows × environments
        </Typography>
        {props.pipelines.length > 1 && (
          <TextField
            select
            label="Column order"
            value={pipelineName ?? ''}
            onChange={e => setPipelineName(e.target.value)}
            style={{ minWidth: 200, marginRight: 16 }}
          >
            {props.pipelines.map(p => (
              <MenuItem key={p.name} value={p.name}>
                pipeline {p.name}
              </MenuItem>
            ))}
          </TextField>
        )}
        <Typography variant="caption" component="span">
          {(['in_sync', 'different', 'missing'] as const).map(state => (
            <span key={state} className={`${classes.legend} ${classes[state]}`}>
              {LABELS[state]}
            </span>
          ))}
          compared with the column on the left
        </Typography>
      </Box>
      {rows.length === 0 ? (
        <Typography>No environment runs a workflow yet.</Typography>
      ) : (
        <Table size="small" aria-label="Workflow matrix">
          <TableHead>
            <TableRow>
              <TableCell>Workflow</TableCell>
              {columns.map(env => (
                <TableCell key={env.id}>
                  <Link to={paths.environment(env.name)}>{env.name}</Link>
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <TableRow key={row.name} data-workflow={row.name}>
                <TableCell component="th" scope="row">
                  {row.name}
                </TableCell>
                {row.cells.map((cell, i) => (
                  <TableCell
                    key={columns[i].id}
                    data-state={cell.state}
                    className={`${classes.cell} ${classes[cell.state]}`}
                    title={cell.active === false ? 'inactive' : undefined}
                  >
                    {cell.hash && (
                      <span
                        className={
                          cell.active === false ? classes.inactive : undefined
                        }
                      >
                        {shortHash(cell.hash)}
                      </span>
                    )}
                    {cell.state !== 'origin' && (
                      <Typography variant="caption" className={classes.caption}>
                        {LABELS[cell.state]}
                      </Typography>
                    )}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
