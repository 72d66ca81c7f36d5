import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { Approval } from '../../api';
import { rootRouteRef } from '../../routes';

const KINDS: Record<string, string> = {
  promotion: 'promotion',
  environment_action: 'environment change',
  drift_action: 'drift action',
  hook_run: 'hook run',
};

/**
 * What an approval decides on: a run step links to its run page, a promotion
 * to its page with the diff and gate results, a drift action to its incident.
 */
export function ApprovalSubject({ approval }: { approval: Approval }) {
  const root = useRouteRef(rootRouteRef)();
  const subject = approval.subject ?? { kind: 'run_step', id: approval.id };
  const runId = subject.runId ?? approval.runId;
  if (subject.kind === 'run_step' && runId) {
    return <Link to={`${root}/runs/${runId}`}>{runId}</Link>;
  }
  if (subject.kind === 'promotion') {
    return (
      <Link to={`${root}/environments/promotions/${subject.id}`}>
        promotion {subject.id}
      </Link>
    );
  }
  if (subject.kind === 'drift_action') {
    // the subject is `<incident id>/<action>`
    const [incident, action = ''] = subject.id.split('/');
    return (
      <Link to={`${root}/environments/drift/incidents/${incident}`}>
        {action.replace('_', ' ')} incident {incident}
      </Link>
    );
  }
  return (
    <>
      {KINDS[subject.kind] ?? subject.kind} {subject.id}
    </>
  );
}

/** "1 of 2": approving decisions so far against the number required. */
export function approvalProgress(approval: Approval): string {
  const approvals = (approval.decisions ?? []).filter(
    d => d.decision === 'approve',
  ).length;
  return `${approvals} of ${approval.requiredApprovals ?? 1}`;
}

/** Who may decide; nobody named means Gantry's admins. */
export function approverList(approval: Approval): string {
  return approval.approvers?.length ? approval.approvers.join(', ') : 'admins';
}

export function formatTime(iso?: string): string {
  return iso ? new Date(iso).toLocaleString() : '';
}
