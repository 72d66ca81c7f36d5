import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { GateResult } from '../../api/EnvironmentsApi';

/** Each gate with ✔ or ✘ and the reason the backend gave. */
export function GateResults(props: { gates: GateResult[] }) {
  if (props.gates.length === 0) {
    return <Typography variant="body2">No gates apply.</Typography>;
  }
  return (
    <List dense aria-label="Gates">
      {props.gates.map(g => (
        <ListItem key={g.gate} data-gate={g.gate} data-passed={g.passed}>
          <Typography
            component="span"
            aria-label={g.passed ? 'passed' : 'failed'}
            style={{
              color: g.passed ? '#2e7d32' : '#c62828',
              fontWeight: 'bold',
              marginRight: 12,
            }}
          >
            {g.passed ? '✔' : '✘'}
          </Typography>
          <ListItemText primary={g.gate} secondary={g.reason} />
        </ListItem>
      ))}
    </List>
  );
}
