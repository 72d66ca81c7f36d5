import { Fragment, useState } from 'react';
import {
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { WorkflowDiff } from '../../api/EnvironmentsApi';
import { DiffStatusChip, RiskChip } from '../EnvironmentChips/EnvironmentChips';
import { SideBySideDiff } from '../SideBySideDiff';

/**
 * Workflow by workflow: how it changes, how risky that is and why, with its
 * YAML diff side by side on demand.
 */
export function WorkflowDiffList(props: {
  diff: WorkflowDiff[];
  /** Column titles of the side-by-side diff (the patch's old and new side). */
  leftTitle?: string;
  rightTitle?: string;
  /** Words for statuses where the promotion wording misleads, e.g. in a comparison. */
  statusLabels?: Partial<Record<WorkflowDiff['status'], string>>;
}) {
  const [open, setOpen] = useState<Record<string, boolean>>({});
  if (props.diff.length === 0) {
    return <Typography>No workflows to compare.</Typography>;
  }
  return (
    <Table size="small" aria-label="Workflow changes">
      <TableHead>
        <TableRow>
          <TableCell>Workflow</TableCell>
          <TableCell>Change</TableCell>
          <TableCell>Risk</TableCell>
          <TableCell>Findings</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {props.diff.map(d => {
          const expanded = Boolean(open[d.name]);
          const hasPatch = d.patch && d.status !== 'UNCHANGED';
          return (
            <Fragment key={d.name}>
              <TableRow data-workflow={d.name}>
                <TableCell>{d.name}</TableCell>
                <TableCell>
                  <DiffStatusChip
                    value={d.status}
                    label={props.statusLabels?.[d.status]}
                  />
                </TableCell>
                <TableCell>
                  <RiskChip value={d.risk} />
                </TableCell>
                <TableCell>
                  {d.findings.map((f, i) => (
                    <Typography key={i} variant="body2">
                      {f.risk}: {f.what}
                    </Typography>
                  ))}
                </TableCell>
                <TableCell align="right">
                  {hasPatch && (
                    <Button
                      size="small"
                      aria-expanded={expanded}
                      aria-label={`${expanded ? 'Hide' : 'Show'} diff of ${
                        d.name
                      }`}
                      onClick={() =>
                        setOpen(o => ({ ...o, [d.name]: !expanded }))
                      }
                    >
                      {expanded ? 'Hide diff' : 'Show diff'}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
              {expanded && (
                <TableRow>
                  <TableCell colSpan={5}>
                    <SideBySideDiff
                      patch={d.patch}
                      leftTitle={props.leftTitle}
                      rightTitle={props.rightTitle}
                    />
                  </TableCell>
                </TableRow>
              )}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}
