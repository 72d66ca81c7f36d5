import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { TextField } from '@material-ui/core';
import { DriftIncident, gantryDriftApiRef } from '../../api/DriftApi';
import { FormDialog } from '../common/FormDialog';

/** Changes an incident's owner and ticket without moving its state. */
export function AssignDialog(props: {
  incident: DriftIncident;
  tenant?: string;
  onClose: () => void;
  onDone: (incident: DriftIncident) => void;
}) {
  const api = useApi(gantryDriftApiRef);
  const [owner, setOwner] = useState(props.incident.owner ?? '');
  const [ticketRef, setTicketRef] = useState(props.incident.ticketRef ?? '');
  return (
    <FormDialog
      title="Owner and ticket"
      submitLabel="Save"
      canSubmit={Boolean(owner.trim() || ticketRef.trim())}
      onClose={props.onClose}
      submit={async () => {
        const updated = await api.assignIncident(
          props.incident.id,
          {
            owner: owner.trim() || undefined,
            ticketRef: ticketRef.trim() || undefined,
          },
          { tenant: props.tenant },
        );
        props.onDone(updated);
      }}
    >
      <TextField
        id="assign-owner"
        label="Owner"
        value={owner}
        onChange={e => setOwner(e.target.value)}
        fullWidth
        margin="dense"
      />
      <TextField
        id="assign-ticket"
        label="Ticket"
        value={ticketRef}
        onChange={e => setTicketRef(e.target.value)}
        fullWidth
        margin="dense"
      />
    </FormDialog>
  );
}
