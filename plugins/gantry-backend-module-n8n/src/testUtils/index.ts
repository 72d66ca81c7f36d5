/**
 * Test utilities: a real n8n for adapter tests, and workflows to put on it.
 *
 * @packageDocumentation
 */
export {
  startN8n,
  n8nInstallation,
  type StartedN8n,
  type StartN8nOptions,
} from './startN8n';
export {
  scheduleWorkflow,
  webhookWorkflow,
  type WorkflowOptions,
} from './workflows';
