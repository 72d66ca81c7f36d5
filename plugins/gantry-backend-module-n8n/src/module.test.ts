import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  GantryEnvironmentAdapter,
  gantryEnvironmentAdaptersExtensionPoint,
} from '@internal/plugin-gantry-node';
import n8nModule from './index';

describe('the n8n adapter module', () => {
  it('adds the n8n adapter to the gantry plugin', async () => {
    const added: GantryEnvironmentAdapter[] = [];
    // stands in for the gantry backend plugin, which owns the extension point
    const gantry = createBackendPlugin({
      pluginId: 'gantry',
      register(reg) {
        reg.registerExtensionPoint(gantryEnvironmentAdaptersExtensionPoint, {
          addAdapters: (...adapters) => added.push(...adapters),
        });
        reg.registerInit({ deps: {}, async init() {} });
      },
    });
    const backend = await startTestBackend({ features: [gantry, n8nModule] });
    expect(added.map(a => a.type)).toEqual(['n8n']);
    expect(added[0]).toMatchObject({
      description: 'An n8n instance, through its public API',
      readLive: expect.any(Function),
      listCredentials: expect.any(Function),
      listTags: expect.any(Function),
      listExecutions: expect.any(Function),
      credentialReferences: expect.any(Function),
    });
    await backend.stop();
  });
});
