/**
 * The n8n environment adapter for Gantry: environments whose workflows run on
 * an n8n instance, reached through n8n's public API.
 *
 * @packageDocumentation
 */
export { gantryModuleN8nAdapter as default } from './module';
export {
  createN8nEnvironmentAdapter,
  type N8nEnvironmentAdapterOptions,
} from './adapter';
export { N8nClient, N8nError, type N8nClientOptions } from './N8nClient';
export {
  credentialReferences,
  normaliseDefinition,
  normaliseWorkflow,
  printDefinition,
  type N8nNode,
  type N8nWorkflowContent,
} from './normalise';
export { n8nSettings, type N8nEnvironmentSettings } from './settings';
