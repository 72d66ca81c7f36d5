import type { IncidentAction, IncidentState } from '../../api/DriftApi';

/** The states each action starts from (the backend enforces the same). */
export const LEGAL_FROM: Record<IncidentAction, IncidentState[]> = {
  acknowledge: ['DETECTED'],
  stabilize: ['ACKNOWLEDGED'],
  reconcile: ['ACKNOWLEDGED', 'STABILIZED'],
  close: ['RECONCILED'],
  extend_ttl: ['DETECTED', 'ACKNOWLEDGED', 'STABILIZED', 'RECONCILED'],
};

export const ACTION_LABELS: Record<IncidentAction, string> = {
  acknowledge: 'Acknowledge',
  stabilize: 'Stabilize',
  reconcile: 'Reconcile',
  close: 'Close',
  extend_ttl: 'Extend TTL',
};

/** Why an action cannot be taken now, or undefined when it can. */
export function refusal(
  state: IncidentState,
  action: IncidentAction,
  pending?: { action: IncidentAction },
): string | undefined {
  if (state === 'CLOSED') return 'a closed incident is final';
  if (pending)
    return `waiting for approval of ${pending.action.replace('_', ' ')}`;
  const from = LEGAL_FROM[action];
  if (from.includes(state)) return undefined;
  return `needs the incident ${from.join(' or ').toLowerCase()}`;
}
