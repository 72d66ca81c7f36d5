import { Chip, Typography } from '@material-ui/core';
import type {
  DriftCheckStatus,
  DriftIncident,
  DriftSeverity,
  IncidentState,
  MatrixStatus,
} from '../../api/DriftApi';

const GREEN = '#2e7d32';
const RED = '#c62828';
const DARK_RED = '#8e0000';
const ORANGE = '#ef6c00';
const AMBER = '#f9a825';
const BLUE = '#1565c0';
const GREY = '#757575';

export const SEVERITY_COLORS: Record<DriftSeverity, string> = {
  critical: DARK_RED,
  high: RED,
  medium: ORANGE,
  low: BLUE,
};

export const STATE_COLORS: Record<IncidentState, string> = {
  DETECTED: RED,
  ACKNOWLEDGED: ORANGE,
  STABILIZED: AMBER,
  RECONCILED: BLUE,
  CLOSED: GREEN,
};

export const CHECK_COLORS: Record<DriftCheckStatus, string> = {
  clean: GREEN,
  drift: RED,
  error: ORANGE,
  skipped: GREY,
};

/** Matrix cell colours: linked green, out of date amber, drift red, missing grey, untracked blue. */
export const MATRIX_COLORS: Record<MatrixStatus, string> = {
  linked: GREEN,
  out_of_date: AMBER,
  drift: RED,
  missing: '#9e9e9e',
  untracked: BLUE,
};

function Colored(props: {
  kind: string;
  value: string;
  color: string;
  label?: string;
}) {
  return (
    <Chip
      size="small"
      label={props.label ?? props.value.toLowerCase().replace(/_/g, ' ')}
      data-kind={props.kind}
      data-value={props.value}
      style={{ backgroundColor: props.color, color: '#fff' }}
    />
  );
}

export const SeverityChip = ({
  value,
  label,
}: {
  value: DriftSeverity;
  label?: string;
}) => (
  <Colored
    kind="severity"
    value={value}
    label={label}
    color={SEVERITY_COLORS[value] ?? GREY}
  />
);

export const IncidentStateChip = ({ value }: { value: IncidentState }) => (
  <Colored kind="incident-state" value={value} color={STATE_COLORS[value]} />
);

export const CheckStatusChip = ({ value }: { value: DriftCheckStatus }) => (
  <Colored kind="check" value={value} color={CHECK_COLORS[value] ?? GREY} />
);

/** "5 h", "2 d 3 h", "40 min" for a span of milliseconds. */
export function span(ms: number): string {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "expires in 5 h" or, red, "expired 2 h ago"; nothing for a closed incident. */
export function TtlCountdown(props: {
  incident: Pick<DriftIncident, 'expiresAt' | 'expired' | 'state'>;
  now?: number;
}) {
  const { incident } = props;
  if (incident.state === 'CLOSED') {
    return (
      <Typography variant="body2" component="span" color="textSecondary">
        closed
      </Typography>
    );
  }
  const left = Date.parse(incident.expiresAt) - (props.now ?? Date.now());
  const expired = incident.expired || left <= 0;
  return (
    <Typography
      variant="body2"
      component="span"
      data-testid="ttl"
      data-expired={expired}
      title={new Date(incident.expiresAt).toLocaleString()}
      style={expired ? { color: RED, fontWeight: 600 } : undefined}
    >
      {expired ? `expired ${span(left)} ago` : `expires in ${span(left)}`}
    </Typography>
  );
}
