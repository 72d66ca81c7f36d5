import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { MenuItem, TextField } from '@material-ui/core';
import {
  DriftMode,
  Environment,
  EnvironmentClass,
  EnvironmentInput,
  gantryEnvironmentsApiRef,
} from '../../api/EnvironmentsApi';
import { FormDialog } from '../common/FormDialog';

const CLASSES: EnvironmentClass[] = ['dev', 'staging', 'production'];
const DRIFT_MODES: DriftMode[] = ['alert', 'auto_revert', 'ignore'];

/** "NAME=value" lines; values may contain "=". */
export function parseSecrets(text: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`"${line}" is not NAME=value`);
    secrets[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return secrets;
}

function parseSettings(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  const value = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('settings must be a JSON object');
  }
  return value;
}

/**
 * Registers an environment. The backend tests the connection before saving,
 * so a 400 usually means the adapter could not reach it: its reason is shown
 * and the form stays filled in.
 */
export function NewEnvironmentDialog(props: {
  adapters: string[];
  tenant?: string;
  onClose: () => void;
  onCreated: (environment: Environment) => void;
}) {
  const api = useApi(gantryEnvironmentsApiRef);
  const [name, setName] = useState('');
  const [klass, setKlass] = useState<EnvironmentClass>('dev');
  const [adapter, setAdapter] = useState(props.adapters[0] ?? '');
  const [settings, setSettings] = useState('');
  const [secrets, setSecrets] = useState('');
  const [gitUrl, setGitUrl] = useState('');
  const [driftMode, setDriftMode] = useState<DriftMode>('alert');
  const [backupCron, setBackupCron] = useState('');
  // parsing errors and the backend's refusal both show in the dialog
  const submit = async () => {
    const parsedSecrets = parseSecrets(secrets);
    const input: EnvironmentInput = {
      name: name.trim(),
      class: klass,
      adapter: adapter || undefined,
      settings: parseSettings(settings),
      secrets: Object.keys(parsedSecrets).length ? parsedSecrets : undefined,
      gitUrl: gitUrl.trim() || undefined,
      driftMode,
      backupCron: backupCron.trim() || undefined,
    };
    props.onCreated(
      await api.createEnvironment(input, { tenant: props.tenant }),
    );
  };

  return (
    <FormDialog
      title="New environment"
      submitLabel="Create"
      busyLabel="Testing the connection…"
      canSubmit={Boolean(name.trim())}
      submit={submit}
      onClose={props.onClose}
    >
      <TextField
        id="gantry-env-name"
        label="Name"
        value={name}
        onChange={e => setName(e.target.value)}
        helperText="lowercase letters, digits and -"
        fullWidth
        required
        margin="dense"
      />
      <TextField
        id="gantry-env-class"
        select
        label="Class"
        value={klass}
        onChange={e => setKlass(e.target.value as EnvironmentClass)}
        fullWidth
        margin="dense"
      >
        {CLASSES.map(c => (
          <MenuItem key={c} value={c}>
            {c}
          </MenuItem>
        ))}
      </TextField>
      {props.adapters.length > 0 && (
        <TextField
          id="gantry-env-adapter"
          select
          label="Adapter"
          value={adapter}
          onChange={e => setAdapter(e.target.value)}
          fullWidth
          margin="dense"
        >
          {props.adapters.map(a => (
            <MenuItem key={a} value={a}>
              {a}
            </MenuItem>
          ))}
        </TextField>
      )}
      <TextField
        id="gantry-env-settings"
        label="Settings (JSON object)"
        value={settings}
        onChange={e => setSettings(e.target.value)}
        fullWidth
        multiline
        minRows={2}
        margin="dense"
      />
      <TextField
        id="gantry-env-secrets"
        label="Secrets (NAME=value, one a line)"
        value={secrets}
        onChange={e => setSecrets(e.target.value)}
        helperText="stored encrypted; only the names are shown afterwards"
        fullWidth
        multiline
        minRows={2}
        margin="dense"
        inputProps={{ spellCheck: false, autoComplete: 'off' }}
      />
      <TextField
        id="gantry-env-git"
        label="Git repository URL (optional)"
        value={gitUrl}
        onChange={e => setGitUrl(e.target.value)}
        fullWidth
        margin="dense"
      />
      <TextField
        id="gantry-env-drift"
        select
        label="Drift mode"
        value={driftMode}
        onChange={e => setDriftMode(e.target.value as DriftMode)}
        fullWidth
        margin="dense"
      >
        {DRIFT_MODES.map(m => (
          <MenuItem key={m} value={m}>
            {m.replace('_', ' ')}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        id="gantry-env-backup"
        label="Backup schedule (cron, optional)"
        value={backupCron}
        onChange={e => setBackupCron(e.target.value)}
        placeholder="0 3 * * *"
        fullWidth
        margin="dense"
      />
    </FormDialog>
  );
}
