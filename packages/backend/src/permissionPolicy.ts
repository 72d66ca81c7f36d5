import { gantryRolePolicyModule } from '@internal/plugin-gantry-node';

/**
 * Gantry's sample role policy instead of allow-all (see
 * docs/platform-team.md); replace this module to bring your own policy.
 */
export default gantryRolePolicyModule;
