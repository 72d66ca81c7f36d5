import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { TextField } from '@material-ui/core';
import { gantryEnvironmentsApiRef } from '../../api/EnvironmentsApi';
import { FormDialog } from '../common/FormDialog';

/** Records what an environment runs now, with an optional note. */
export function TakeSnapshotDialog(props: {
  environmentId: string;
  environmentName: string;
  tenant?: string;
  onClose: () => void;
  onTaken: () => void;
}) {
  const api = useApi(gantryEnvironmentsApiRef);
  const [note, setNote] = useState('');
  const take = async () => {
    await api.takeSnapshot(props.environmentId, note.trim() || undefined, {
      tenant: props.tenant,
    });
    props.onTaken();
  };

  return (
    <FormDialog
      title={`Snapshot of ${props.environmentName}`}
      submitLabel="Save snapshot"
      submit={take}
      onClose={props.onClose}
    >
      <TextField
        id="gantry-snapshot-note"
        label="Note (optional)"
        value={note}
        onChange={e => setNote(e.target.value)}
        fullWidth
        inputProps={{ maxLength: 500 }}
      />
    </FormDialog>
  );
}
