import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { gantryEnvironmentsApiRef, Pipeline } from '../../api/EnvironmentsApi';
import { messageOf } from '../common/errors';

const EXAMPLE = {
  stages: [
    {
      source: 'dev',
      target: 'staging',
      gates: { runPreFlightValidation: true },
    },
    {
      source: 'staging',
      target: 'production',
      gates: { targetEnvironmentHealthy: true, maxAllowedRiskLevel: 'medium' },
      approval: { approvers: ['group:default/platform'], requiredApprovals: 1 },
      soakMinutes: 60,
    },
  ],
  flags: {
    allowPlaceholderCredentials: false,
    allowOverwritingHotfixes: false,
    allowForcePromotionOnConflicts: false,
  },
};

/**
 * Creates or replaces a pipeline as JSON: stages with gates, approval, soak
 * time and windows are too varied for a form, and the backend validates them.
 */
export function PipelineEditDialog(props: {
  pipeline?: Pipeline;
  tenant?: string;
  onClose: () => void;
  onSaved: (pipeline: Pipeline) => void;
}) {
  const api = useApi(gantryEnvironmentsApiRef);
  const [name, setName] = useState(props.pipeline?.name ?? '');
  const [text, setText] = useState(() =>
    JSON.stringify(
      props.pipeline
        ? { stages: props.pipeline.stages, flags: props.pipeline.flags }
        : EXAMPLE,
      null,
      2,
    ),
  );
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const save = async () => {
    setProblem(undefined);
    setBusy(true);
    try {
      const body = JSON.parse(text);
      const saved = await api.savePipeline(name.trim(), body, {
        tenant: props.tenant,
      });
      props.onSaved(saved);
      props.onClose();
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="md">
      <DialogTitle>
        {props.pipeline
          ? `Edit pipeline ${props.pipeline.name}`
          : 'New pipeline'}
      </DialogTitle>
      <DialogContent>
        <TextField
          id="gantry-pipeline-name"
          label="Name"
          value={name}
          onChange={e => setName(e.target.value)}
          disabled={Boolean(props.pipeline)}
          fullWidth
          margin="dense"
        />
        <TextField
          id="gantry-pipeline-json"
          label="Stages and flags (JSON)"
          value={text}
          onChange={e => setText(e.target.value)}
          fullWidth
          multiline
          minRows={12}
          margin="dense"
          inputProps={{ spellCheck: false, style: { fontFamily: 'monospace' } }}
        />
        {problem && (
          <Typography color="error" role="alert">
            {problem}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || !name.trim()}
          onClick={save}
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
