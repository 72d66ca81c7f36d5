import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import gantryPlugin from '@internal/plugin-gantry-backend';
import { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A real Gantry backend for the CLI to talk to: the demo providers, the acme
 * tenant by default, and `config`/`features` on top (e.g. real auth).
 */
export async function startGantryServer(
  options: { config?: Record<string, any>; features?: any[] } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const { gantry, ...rest } = options.config ?? {};
  const backend = await startTestBackend({
    features: [
      gantryPlugin,
      catalogServiceMock.factory(),
      ...(options.features ?? []),
      mockServices.rootConfig.factory({
        data: {
          ...rest,
          gantry: {
            defaultTenant: 'group:default/acme',
            providers: {
              directory: path.resolve(__dirname, '../../../../providers'),
            },
            ...gantry,
          },
        },
      }),
    ],
  });
  return {
    url: `http://localhost:${(backend.server.address() as AddressInfo).port}`,
    stop: () => backend.stop(),
  };
}
