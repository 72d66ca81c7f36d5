import { Chip } from '@material-ui/core';

const COLORS: Record<string, string> = {
  succeeded: '#2e7d32',
  failed: '#c62828',
  cancelled: '#6d4c41',
  running: '#1565c0',
  pending: '#757575',
  waiting_approval: '#ef6c00',
  pending_approval: '#ef6c00',
  skipped: '#9e9e9e',
  approved: '#2e7d32',
  denied: '#c62828',
  expired: '#6d4c41',
  // lifecycles of applications and their resources
  active: '#2e7d32',
  provisioning: '#1565c0',
  deleting: '#ef6c00',
  deleted: '#6d4c41',
};

/** A run, step, approval or resource status as a coloured chip; unknown ones are grey. */
export function StatusChip({ status }: { status: string }) {
  return (
    <Chip
      size="small"
      label={status.replace('_', ' ')}
      data-status={status}
      style={{ backgroundColor: COLORS[status] ?? '#757575', color: '#fff' }}
    />
  );
}

/** "1m 12s" between two instants (or until now). */
export function duration(start?: string, end?: string): string {
  if (!start) return '';
  const ms = (end ? Date.parse(end) : Date.now()) - Date.parse(start);
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
