import {
  FormControl,
  FormControlLabel,
  FormLabel,
  MenuItem,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import { Pipeline } from '../../api/EnvironmentsApi';
import { gateLabels } from '../PipelinesView/stageSummary';

/** Step 1: which pipeline, and which of its stages (source → target). */
export function ChooseStage(props: {
  pipelines: Pipeline[];
  pipeline?: Pipeline;
  stage: number;
  onPipeline: (name: string) => void;
  onStage: (index: number) => void;
}) {
  const { pipeline } = props;
  return (
    <>
      <TextField
        id="gantry-promote-pipeline"
        select
        label="Pipeline"
        value={pipeline?.name ?? ''}
        onChange={e => props.onPipeline(e.target.value)}
        style={{ minWidth: 240, marginBottom: 16 }}
      >
        {props.pipelines.map(p => (
          <MenuItem key={p.name} value={p.name}>
            {p.name}
          </MenuItem>
        ))}
      </TextField>
      {pipeline && (
        <FormControl component="fieldset" style={{ display: 'block' }}>
          <FormLabel component="legend">Stage</FormLabel>
          <RadioGroup
            value={String(props.stage)}
            onChange={e => props.onStage(Number(e.target.value))}
          >
            {pipeline.stages.map((s, i) => {
              const gates = gateLabels(s.gates ?? {});
              const extras = [
                gates.length ? `gates: ${gates.join(', ')}` : 'no gates',
                s.approval && `approval by ${s.approval.approvers.join(', ')}`,
                s.soakMinutes && `soak ${s.soakMinutes} min`,
              ].filter(Boolean);
              return (
                <FormControlLabel
                  key={i}
                  value={String(i)}
                  control={<Radio />}
                  label={
                    <>
                      {s.source} → {s.target}
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        component="span"
                        style={{ marginLeft: 8 }}
                      >
                        {extras.join(' · ')}
                      </Typography>
                    </>
                  }
                />
              );
            })}
          </RadioGroup>
        </FormControl>
      )}
    </>
  );
}
