/**
 * Step types Gantry knows. The backend registers an executor for each
 * through the gantry-node extension point; validation uses this list when
 * no executor registry is at hand (CLI, editor).
 */

/** The `allowedStepTypes` of the provider guides. */
export const GUIDE_STEP_TYPES = [
  'terraform',
  'kubernetes',
  'ansible',
  'database-migration',
  'vault-setup',
  'monitoring',
  'validation',
  'security',
  'policy',
  'tagging',
  'cost-analysis',
  'resource-provisioning',
] as const;

/** Engine step types of the design. */
export const ENGINE_STEP_TYPES = [
  'shell',
  'http',
  'assert',
  'approval',
  'workflow',
  'notify.email',
  'notify.webhook',
] as const;

export const BUILTIN_STEP_TYPES: readonly string[] = [
  ...GUIDE_STEP_TYPES,
  ...ENGINE_STEP_TYPES,
];

/** Step types whose `config.command` (or `command`) is a shell command. */
export const SHELL_COMMAND_STEP_TYPES = new Set(['shell']);
