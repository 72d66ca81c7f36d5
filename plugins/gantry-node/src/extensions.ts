import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { GantryStepExecutor } from './executors';

/** Lets backend modules add step executors to the Gantry engine. */
export interface GantryExecutorsExtensionPoint {
  addStepExecutors(...executors: GantryStepExecutor[]): void;
}

export const gantryExecutorsExtensionPoint =
  createExtensionPoint<GantryExecutorsExtensionPoint>({
    id: 'gantry.executors',
  });
