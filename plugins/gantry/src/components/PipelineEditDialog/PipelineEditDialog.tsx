import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { TextField } from '@material-ui/core';
import { gantryEnvironmentsApiRef, Pipeline } from '../../api/EnvironmentsApi';
import { FormDialog } from '../common/FormDialog';

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
  const save = async () => {
    const body = JSON.parse(text);
    props.onSaved(
      await api.savePipeline(name.trim(), body, { tenant: props.tenant }),
    );
  };

  return (
    <FormDialog
      title={
        props.pipeline ? `Edit pipeline ${props.pipeline.name}` : 'New pipeline'
      }
      maxWidth="md"
      submitLabel="Save"
      canSubmit={Boolean(name.trim())}
      submit={save}
      onClose={props.onClose}
    >
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
    </FormDialog>
  );
}
