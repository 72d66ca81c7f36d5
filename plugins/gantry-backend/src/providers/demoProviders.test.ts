import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseScoreSpec } from '@internal/plugin-gantry-common';
import {
  createTestEngine,
  testDatabases,
} from '../engine/__testUtils__/testEngine';
import { ProviderRegistry } from './ProviderRegistry';

jest.setTimeout(60_000);
const databases = testDatabases();

describe('the demo providers', () => {
  it('all load cleanly and every workflow runs in plan_only on a fresh machine', async () => {
    const t = await createTestEngine(databases, 'SQLITE_3');
    const registry = new ProviderRegistry({
      localDirectory: path.resolve(__dirname, '../../../../providers'),
      cacheDirectory: mkdtempSync(path.join(os.tmpdir(), 'gantry-demo-')),
      sources: async () => [],
      knownStepTypes: () => t.executors.knownTypes(),
    });
    const statuses = await registry.refresh();
    expect(statuses.map(s => [s.name, s.errors])).toEqual(
      [
        'checkout-team',
        'container-team',
        'database-team',
        'examples',
        'platform-team',
        'storage-team',
        'vault-team',
      ].map(n => [n, []]),
    );
    t.engine.resolveWorkflow = async (provider, workflow) => {
      const found = provider
        ? registry.workflow(provider, workflow)
        : undefined;
      return found && { text: found.text, file: found.file };
    };
    t.engine.start();
    try {
      const { application } = parseScoreSpec(
        'apiVersion: score.dev/v1b1\nmetadata:\n  name: demo-app\n  product: payments\ncontainers:\n  web:\n    image: nginx\nresources:\n  db:\n    type: postgres\n',
      );
      for (const status of statuses) {
        for (const w of status.provider!.workflows) {
          const run = await t.engine.submit({
            definition: w.text,
            file: w.file,
            tenant: 'acme',
            createdBy: 'user:default/ada',
            profile: 'plan_only',
            context: { application, variables: { IMAGE: 'nginx:1.27' } },
          });
          const done = await t.engine.waitFor(run.id);
          expect({
            workflow: `${status.name}/${w.name}`,
            status: done.status,
            error: done.error,
          }).toEqual({
            workflow: `${status.name}/${w.name}`,
            status: 'succeeded',
            error: undefined,
          });
        }
      }
      // the golden path plans its sub-workflows too
      const golden = registry.workflow('platform-team', 'onboard-dev-team')!;
      const run = await t.engine.submit({
        definition: golden.text,
        tenant: 'acme',
        createdBy: 'user:default/ada',
        profile: 'plan_only',
        context: { application },
      });
      await t.engine.waitFor(run.id);
      const steps = await t.store.getSteps(run.id);
      const postgres = steps.find(
        s => s.stepId === 'provision-postgres-database',
      )!;
      expect(postgres.outputs.plan).toEqual(
        expect.arrayContaining([
          '  create-postgres-cluster: kubectl apply Cluster/demo-app-db in namespace demo-app',
        ]),
      );
    } finally {
      await t.engine.stop();
    }
  });
});
