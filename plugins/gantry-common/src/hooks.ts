/**
 * API types of hooks (a tenant's "when this event happens, do that") and
 * their runs, shared by the backend that serves them and the portal that
 * shows them. Hooks are served under `/admin/workflows` and their runs under
 * `/admin/workflow-runs`, as the automation-hooks brief names them.
 */

/** Inline actions a hook may take without a workflow. */
export const HOOK_ACTION_TYPES = [
  'notify.email',
  'notify.webhook',
  'tag.order',
  'export.orders',
  'flag.enable',
  'flag.disable',
] as const;
export type HookActionType = (typeof HOOK_ACTION_TYPES)[number];

/**
 * Actions that change commerce state, export in bulk or change
 * configuration: a hook with one of them needs approval unless its author
 * says otherwise.
 */
export const RISKY_HOOK_ACTIONS: readonly HookActionType[] = [
  'tag.order',
  'export.orders',
  'flag.enable',
  'flag.disable',
];

/**
 * One inline action. `with` holds its parameters; strings in it may use
 * `${event.*}` and `${payload.*}` references.
 */
export interface HookAction {
  type: HookActionType;
  with?: Record<string, unknown>;
}

/** A provider workflow a hook starts, with inputs mapped from the event. */
export interface HookWorkflowTarget {
  provider: string;
  workflow: string;
  inputs?: Record<string, unknown>;
}

export interface HookTrigger {
  /** Event type, e.g. `order.created`. */
  event: string;
  /** CEL over `event.*` and `payload.*`, e.g. `payload.total > 100`. */
  filter?: string;
}

export interface HookInput {
  name: string;
  description?: string;
  trigger: HookTrigger;
  /** Exactly one of `workflow` and `actions`. */
  workflow?: HookWorkflowTarget;
  actions?: HookAction[];
  enabled?: boolean;
  /** A risky hook's runs wait in the approval inbox. */
  risky?: boolean;
  /** Who may approve (users or groups); empty means platform admins. */
  approvers?: string[];
  requiredApprovals?: number;
}

export interface Hook {
  id: string;
  tenant: string;
  name: string;
  description?: string;
  trigger: HookTrigger;
  workflow?: HookWorkflowTarget;
  actions?: HookAction[];
  enabled: boolean;
  risky: boolean;
  approvers: string[];
  requiredApprovals: number;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export type HookRunStatus =
  | 'pending_approval'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'denied';

export const TERMINAL_HOOK_RUN_STATUSES: HookRunStatus[] = [
  'succeeded',
  'failed',
  'denied',
];

/** What one action (or the started workflow) did. */
export interface HookRunResult {
  action: string;
  status: 'succeeded' | 'failed';
  outputs?: Record<string, unknown>;
  error?: string;
}

export interface HookRun {
  id: string;
  tenant: string;
  hookId: string;
  hookName: string;
  eventId: string;
  eventType: string;
  /** The event's id: runs, approvals and audit entries it causes carry it. */
  correlationId: string;
  status: HookRunStatus;
  approvalId?: string;
  /** The engine run, for a hook that starts a workflow. */
  runId?: string;
  results: HookRunResult[];
  error?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface HookRunEvent {
  id: number;
  type: 'status' | 'action' | 'log';
  data: Record<string, unknown>;
  createdAt: string;
}

export interface HookRunDetail extends HookRun {
  events: HookRunEvent[];
}

/** The answer to `POST /events` and `POST /webhooks/:name`. */
export interface EventReceipt {
  id: string;
  type: string;
  /** False when the idempotency key was seen before: nothing new started. */
  created: boolean;
}
