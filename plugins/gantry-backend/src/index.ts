/**
 * The Gantry backend plugin.
 *
 * @packageDocumentation
 */
export { gantryPlugin as default } from './plugin';
export { createLocalEngine } from './local';
export {
  WorkflowEngine,
  WorkflowValidationError,
} from './engine/WorkflowEngine';
export type {
  RunRecord,
  StepRecord,
  RunEvent,
  RunStatus,
  StepStatus,
} from './runs/types';
export { ProviderRegistry } from './providers/ProviderRegistry';
export type { ProviderStatus } from './providers/ProviderRegistry';
export { builtinExecutors, createBuiltinExecutors } from './executors';
