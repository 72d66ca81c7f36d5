/**
 * API types of the approval inbox, shared by the backend that serves it and
 * the portal and CLI that show it.
 */

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export type ApprovalSubjectKind =
  | 'run_step'
  | 'promotion'
  | 'environment_action'
  | 'drift_action'
  | 'hook_run';

/** What waits for an approval; run steps also carry their run and step. */
export interface ApprovalSubject {
  kind: ApprovalSubjectKind;
  id: string;
  runId?: string;
  stepId?: string;
}

export interface ApprovalDecision {
  by: string;
  decision: 'approve' | 'deny';
  comment?: string;
  at: string;
}

export interface Approval {
  id: string;
  tenant: string;
  subject: ApprovalSubject;
  /** Kept for run steps. */
  runId?: string;
  stepId?: string;
  message: string;
  /** Users or groups who may decide; empty means platform admins. */
  approvers: string[];
  requiredApprovals: number;
  status: ApprovalStatus;
  requestedBy: string;
  decisions: ApprovalDecision[];
  /** Who made the deciding vote, and their comment. */
  decidedBy?: string;
  reason?: string;
  expiresAt?: string;
  createdAt: string;
  decidedAt?: string;
}
