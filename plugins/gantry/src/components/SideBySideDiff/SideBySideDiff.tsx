import { Fragment } from 'react';
import { makeStyles, Typography } from '@material-ui/core';
import { DiffLine, parsePatch } from './parsePatch';

const useStyles = makeStyles(theme => ({
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    tableLayout: 'fixed',
    fontFamily: 'monospace',
    fontSize: 12,
  },
  number: {
    width: 40,
    textAlign: 'right',
    paddingRight: theme.spacing(1),
    color: theme.palette.text.secondary,
    userSelect: 'none',
    verticalAlign: 'top',
  },
  text: {
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    verticalAlign: 'top',
  },
  removed: { background: 'rgba(198, 40, 40, 0.15)' },
  added: { background: 'rgba(46, 125, 50, 0.15)' },
  hunk: {
    background: theme.palette.background.default,
    color: theme.palette.text.secondary,
  },
  head: { textAlign: 'left', padding: theme.spacing(0.5, 1) },
}));

/**
 * A unified diff as two columns: the old text on the left, the new on the
 * right, removed lines red and added lines green.
 */
export function SideBySideDiff(props: {
  patch: string;
  leftTitle?: string;
  rightTitle?: string;
}) {
  const classes = useStyles();
  const rows = parsePatch(props.patch);
  if (rows.length === 0) {
    return <Typography variant="body2">No textual difference.</Typography>;
  }
  const side = (line: DiffLine | undefined, label: string) => {
    const mark =
      line && line.kind !== 'context' ? classes[line.kind] : undefined;
    return (
      <>
        <td className={`${classes.number} ${mark ?? ''}`}>{line?.number}</td>
        <td
          className={`${classes.text} ${mark ?? ''}`}
          data-side={label}
          data-kind={line?.kind ?? 'empty'}
        >
          {line?.text}
        </td>
      </>
    );
  };
  return (
    <table className={classes.table} aria-label="Side-by-side diff">
      <colgroup>
        <col style={{ width: 40 }} />
        <col />
        <col style={{ width: 40 }} />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th className={classes.head} colSpan={2}>
            {props.leftTitle ?? 'Before'}
          </th>
          <th className={classes.head} colSpan={2}>
            {props.rightTitle ?? 'After'}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <Fragment key={i}>
            {'hunk' in row ? (
              <tr className={classes.hunk}>
                <td colSpan={4}>{row.hunk}</td>
              </tr>
            ) : (
              <tr>
                {side(row.left, 'left')}
                {side(row.right, 'right')}
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
