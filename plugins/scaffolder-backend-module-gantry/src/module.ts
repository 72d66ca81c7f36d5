import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createGantryStatusAction } from './actions/status';
import { createScoreDeployAction } from './actions/scoreDeploy';
import { createWorkflowRunAction } from './actions/workflowRun';

/** Adds Gantry's actions to the scaffolder so golden paths can call Gantry. */
export const scaffolderModuleGantry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gantry',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(
          createGantryStatusAction({ discovery }),
          createWorkflowRunAction({ discovery, auth }),
          createScoreDeployAction({ discovery, auth }),
        );
      },
    });
  },
});
