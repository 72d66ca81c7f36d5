import { GantryStepExecutor } from '@internal/plugin-gantry-node';
import {
  approvalExecutor,
  assertExecutor,
  httpExecutor,
  webhookExecutor,
  workflowExecutor,
} from './basic';
import { ansibleExecutor } from './ansible';
import { databaseMigrationExecutor } from './databaseMigration';
import { createEmailExecutor } from './email';
import { kubernetesExecutor } from './kubernetes';
import { terraformExecutor } from './terraform';
import {
  costAnalysisExecutor,
  monitoringExecutor,
  policyExecutor,
  resourceProvisioningExecutor,
  securityExecutor,
  taggingExecutor,
} from './guide';
import { vaultSetupExecutor } from './vault';
import { shellExecutor } from './shell';
import { validationExecutor } from './validation';

export { shellExecutor, parseOutputFile } from './shell';
export { signWebhook } from './basic';
export { createEmailExecutor } from './email';
export type { SmtpSettings } from './email';

/** Executors the engine always has. */
export const builtinExecutors: GantryStepExecutor[] = [
  shellExecutor,
  assertExecutor,
  approvalExecutor,
  workflowExecutor,
  httpExecutor,
  webhookExecutor,
  validationExecutor,
  kubernetesExecutor,
  terraformExecutor,
  ansibleExecutor,
  databaseMigrationExecutor,
  vaultSetupExecutor,
  policyExecutor,
  costAnalysisExecutor,
  taggingExecutor,
  monitoringExecutor,
  securityExecutor,
  resourceProvisioningExecutor,
];

/** The built-in executors, with email going through `smtp` when configured. */
export function createBuiltinExecutors(
  smtp?: import('./email').SmtpSettings,
): GantryStepExecutor[] {
  return [...builtinExecutors, createEmailExecutor(smtp)];
}
