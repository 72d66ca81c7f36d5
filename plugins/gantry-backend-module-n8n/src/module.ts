import { createBackendModule } from '@backstage/backend-plugin-api';
import { gantryEnvironmentAdaptersExtensionPoint } from '@internal/plugin-gantry-node';
import { createN8nEnvironmentAdapter } from './adapter';

/** Adds the `n8n` environment adapter to Gantry. */
export const gantryModuleN8nAdapter = createBackendModule({
  pluginId: 'gantry',
  moduleId: 'n8n-adapter',
  register(reg) {
    reg.registerInit({
      deps: { adapters: gantryEnvironmentAdaptersExtensionPoint },
      async init({ adapters }) {
        adapters.addAdapters(createN8nEnvironmentAdapter());
      },
    });
  },
});
