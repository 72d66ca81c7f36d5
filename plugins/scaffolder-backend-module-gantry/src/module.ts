import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createGantryStatusAction } from './actions/status';

/** Adds Gantry's actions to the scaffolder so golden paths can call Gantry. */
export const scaffolderModuleGantry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gantry',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, discovery }) {
        scaffolder.addActions(createGantryStatusAction({ discovery }));
      },
    });
  },
});
