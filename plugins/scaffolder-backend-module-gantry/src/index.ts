/**
 * Scaffolder actions for Gantry golden paths.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGantry as default } from './module';
export { createGantryStatusAction } from './actions/status';
export { createWorkflowRunAction } from './actions/workflowRun';
export { createScoreDeployAction } from './actions/scoreDeploy';
