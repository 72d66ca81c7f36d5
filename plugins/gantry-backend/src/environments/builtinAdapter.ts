import {
  checkPolicy,
  effectiveProfile,
  formatDslError,
  validateWorkflow,
  WorkflowPolicy,
} from '@internal/plugin-gantry-common';
import { GantryEnvironmentAdapter } from '@internal/plugin-gantry-node';

/**
 * The `gantry` adapter: workflows run on Gantry's own engine, so what Gantry
 * records for the environment is what runs there. Applying a workflow checks
 * it against the environment class's security profile, so nothing that could
 * not run there is ever recorded as deployed.
 */
export function builtinAdapter(
  policy: WorkflowPolicy,
): GantryEnvironmentAdapter {
  return {
    type: 'gantry',
    description: "Gantry's own engine",
    async testConnection() {
      return { ok: true, message: "Gantry's engine is this backend" };
    },
    async apply(env, changes) {
      for (const change of changes) {
        if (change.definition === null) continue;
        const { workflow, errors } = validateWorkflow(
          change.definition,
          `${env.name}/${change.name}.yaml`,
        );
        if (!workflow) {
          throw new Error(
            `${change.name} is not valid: ${errors
              .map(formatDslError)
              .join('; ')}`,
          );
        }
        const profile = effectiveProfile(policy, undefined, env.class);
        const violations = checkPolicy(workflow, { ...policy, profile });
        if (violations.length) {
          throw new Error(
            `${change.name} cannot run in ${env.name} (${profile}): ${violations
              .map(v => v.message)
              .join('; ')}`,
          );
        }
      }
    },
  };
}
