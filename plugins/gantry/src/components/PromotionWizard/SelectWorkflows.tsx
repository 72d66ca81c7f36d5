import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  FormGroup,
  Typography,
} from '@material-ui/core';
import { EnvironmentWorkflow } from '../../api/EnvironmentsApi';
import { shortHash } from '../EnvironmentChips/EnvironmentChips';

/** Step 2: the source environment's workflows to promote. */
export function SelectWorkflows(props: {
  source: string;
  workflows: EnvironmentWorkflow[];
  selected: string[];
  onChange: (selected: string[]) => void;
}) {
  const { workflows, selected } = props;
  if (workflows.length === 0) {
    return (
      <Typography>{props.source} runs no workflows to promote.</Typography>
    );
  }
  const toggle = (name: string, on: boolean) =>
    props.onChange(
      on
        ? workflows
            .map(w => w.name)
            .filter(n => n === name || selected.includes(n))
        : selected.filter(n => n !== name),
    );
  return (
    <>
      <Box display="flex" alignItems="center" mb={1}>
        <Typography style={{ marginRight: 16 }}>
          {selected.length} of {workflows.length} workflows of {props.source}
        </Typography>
        <Button
          size="small"
          onClick={() => props.onChange(workflows.map(w => w.name))}
        >
          Select all
        </Button>
        <Button size="small" onClick={() => props.onChange([])}>
          Select none
        </Button>
      </Box>
      <FormGroup>
        {workflows.map(w => (
          <FormControlLabel
            key={w.name}
            control={
              <Checkbox
                checked={selected.includes(w.name)}
                onChange={e => toggle(w.name, e.target.checked)}
                name={w.name}
              />
            }
            label={
              <>
                {w.name}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="span"
                  style={{ marginLeft: 8 }}
                >
                  {shortHash(w.hash)}
                  {w.active ? '' : ' · inactive'}
                </Typography>
              </>
            }
          />
        ))}
      </FormGroup>
    </>
  );
}
