import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  FormControlLabel,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import { DRIFT_RESOLUTIONS } from '@internal/plugin-gantry-common';
import {
  DriftIncident,
  DriftResolution,
  gantryDriftApiRef,
  IncidentAction,
} from '../../api/DriftApi';
import { Approval } from '../../api';
import { FormDialog } from '../common/FormDialog';
import { ACTION_LABELS } from './transitions';

/** What each resolution does, shown next to the choice. */
export const RESOLUTION_HELP: Record<DriftResolution, string> = {
  promote:
    'Make the live version the truth: Gantry records it and writes it to the canonical repository.',
  revert:
    'Put back the version Gantry deployed and recorded, overwriting the live change.',
  replace:
    "Put the canonical repository's version in place in this environment.",
  acknowledge:
    'Accept the live version for this environment only; the canonical repository is left as it is.',
};

const INTRO: Record<IncidentAction, string> = {
  acknowledge: 'Take the incident: name who owns it and where it is tracked.',
  stabilize:
    'Say the environment is stable: the drift is understood and nothing changes further while it is resolved.',
  reconcile: 'Choose how the drift is resolved.',
  close: 'Close the reconciled incident. Closing is final.',
  extend_ttl: 'Give the incident more time before it expires.',
};

/** The form of one incident action; resolves with the backend's answer. */
export function IncidentActionDialog(props: {
  incident: DriftIncident;
  action: IncidentAction;
  tenant?: string;
  onClose: () => void;
  onDone: (result: { incident: DriftIncident; approval?: Approval }) => void;
}) {
  const { incident, action } = props;
  const api = useApi(gantryDriftApiRef);
  const [owner, setOwner] = useState(incident.owner ?? '');
  const [ticketRef, setTicketRef] = useState(incident.ticketRef ?? '');
  const [resolution, setResolution] = useState<DriftResolution | ''>('');
  const [hours, setHours] = useState('24');
  const [note, setNote] = useState('');
  const hoursValue = Number(hours);
  let canSubmit = true;
  if (action === 'reconcile') canSubmit = resolution !== '';
  if (action === 'extend_ttl')
    canSubmit = Number.isFinite(hoursValue) && hoursValue >= 1;

  return (
    <FormDialog
      title={`${ACTION_LABELS[action]} incident`}
      submitLabel={ACTION_LABELS[action]}
      busyLabel="Sending…"
      canSubmit={canSubmit}
      onClose={props.onClose}
      submit={async () => {
        const result = await api.actOnIncident(
          incident.id,
          action,
          {
            resolution: resolution || undefined,
            hours: action === 'extend_ttl' ? hoursValue : undefined,
            owner:
              action === 'acknowledge' && owner.trim()
                ? owner.trim()
                : undefined,
            ticketRef:
              action === 'acknowledge' && ticketRef.trim()
                ? ticketRef.trim()
                : undefined,
            note: note.trim() || undefined,
          },
          { tenant: props.tenant },
        );
        props.onDone(result);
      }}
    >
      <Typography variant="body2" paragraph>
        {INTRO[action]}
      </Typography>
      {action === 'acknowledge' && (
        <>
          <TextField
            id="incident-owner"
            label="Owner"
            helperText="A user or group, e.g. user:default/ada"
            value={owner}
            onChange={e => setOwner(e.target.value)}
            fullWidth
            margin="dense"
          />
          <TextField
            id="incident-ticket"
            label="Ticket"
            helperText="Where the incident is tracked, e.g. OPS-123"
            value={ticketRef}
            onChange={e => setTicketRef(e.target.value)}
            fullWidth
            margin="dense"
          />
        </>
      )}
      {action === 'reconcile' && (
        <RadioGroup
          aria-label="Resolution"
          name="resolution"
          value={resolution}
          onChange={e => setResolution(e.target.value as DriftResolution)}
        >
          {DRIFT_RESOLUTIONS.map(r => (
            <FormControlLabel
              key={r}
              value={r}
              control={<Radio color="primary" />}
              label={
                <>
                  <Typography variant="body1">{r}</Typography>
                  <Typography variant="body2" color="textSecondary">
                    {RESOLUTION_HELP[r]}
                  </Typography>
                </>
              }
              style={{ marginBottom: 8 }}
            />
          ))}
        </RadioGroup>
      )}
      {action === 'extend_ttl' && (
        <TextField
          id="incident-hours"
          label="Hours"
          type="number"
          inputProps={{ min: 1, max: 24 * 90 }}
          value={hours}
          onChange={e => setHours(e.target.value)}
          margin="dense"
        />
      )}
      <TextField
        id="incident-note"
        label="Note"
        value={note}
        onChange={e => setNote(e.target.value)}
        fullWidth
        multiline
        minRows={2}
        margin="dense"
      />
    </FormDialog>
  );
}
