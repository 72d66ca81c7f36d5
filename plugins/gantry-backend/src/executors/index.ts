import { GantryStepExecutor } from '@internal/plugin-gantry-node';
import {
  approvalExecutor,
  assertExecutor,
  httpExecutor,
  webhookExecutor,
  workflowExecutor,
} from './basic';
import { shellExecutor } from './shell';

export { shellExecutor, parseOutputFile } from './shell';
export { signWebhook } from './basic';

/** Executors the engine always has. */
export const builtinExecutors: GantryStepExecutor[] = [
  shellExecutor,
  assertExecutor,
  approvalExecutor,
  workflowExecutor,
  httpExecutor,
  webhookExecutor,
];
