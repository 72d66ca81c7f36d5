import { Grid, Typography, makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  pre: {
    margin: 0,
    padding: theme.spacing(1),
    fontSize: 12,
    overflow: 'auto',
    maxHeight: 320,
    background: theme.palette.background.default,
  },
  removed: { background: 'rgba(198, 40, 40, 0.15)', display: 'block' },
  added: { background: 'rgba(46, 125, 50, 0.15)', display: 'block' },
}));

function lines(value: unknown): string[] {
  return value === undefined ? [] : JSON.stringify(value, null, 2).split('\n');
}

/**
 * Old and new value side by side. Lines found on one side only are marked;
 * audit values are small config objects, so a line-set diff is enough.
 */
export function JsonDiff(props: { oldValue?: unknown; newValue?: unknown }) {
  const classes = useStyles();
  const before = lines(props.oldValue);
  const after = lines(props.newValue);
  const inBefore = new Set(before);
  const inAfter = new Set(after);
  const side = (
    title: string,
    own: string[],
    other: Set<string>,
    mark: string,
  ) => (
    <Grid item xs={6}>
      <Typography variant="subtitle2">{title}</Typography>
      <pre className={classes.pre} aria-label={title}>
        {own.length === 0
          ? '(none)'
          : own.map((line, i) => (
              <span key={i} className={other.has(line) ? undefined : mark}>
                {line}
                {'\n'}
              </span>
            ))}
      </pre>
    </Grid>
  );
  return (
    <Grid container spacing={2}>
      {side('Old value', before, inAfter, classes.removed)}
      {side('New value', after, inBefore, classes.added)}
    </Grid>
  );
}
