/** Live progress lines for run events, shared by local and server runs. */
export interface ProgressEvent {
  type: string;
  stepId?: string;
  data: Record<string, any>;
}

const MARKS: Record<string, string> = {
  running: '▶',
  succeeded: '✔',
  failed: '✖',
  skipped: '⏭',
  cancelled: '■',
  waiting_approval: '⏸',
  pending: '↻',
};

export function describeEvent(event: ProgressEvent): string | undefined {
  const d = event.data;
  if (event.type === 'log') return `  ${event.stepId} │ ${d.line}`;
  if (event.type === 'step') {
    const mark = MARKS[d.status] ?? '•';
    if (d.status === 'running')
      return `${mark} ${event.stepId} started${
        d.attempt > 1 ? ` (attempt ${d.attempt})` : ''
      }`;
    if (d.status === 'pending' && d.retryIn !== undefined)
      return `${mark} ${event.stepId} failed (${d.error}); retrying in ${d.retryIn} ms`;
    if (d.status === 'pending') return undefined;
    if (d.status === 'skipped')
      return `${mark} ${event.stepId} skipped: ${d.reason}`;
    if (d.status === 'failed')
      return `${mark} ${event.stepId} failed: ${d.error ?? d.decision ?? ''}`;
    if (d.status === 'waiting_approval')
      return `${mark} ${event.stepId} waits for approval ${d.approvalId}`;
    return `${mark} ${event.stepId} ${d.status}`;
  }
  if (
    event.type === 'run' &&
    d.status !== 'running' &&
    d.status !== 'pending'
  ) {
    return `run ${d.status}${d.error ? `: ${d.error}` : ''}`;
  }
  return undefined;
}
