import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import gantryPlugin from '@internal/plugin-gantry-backend';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createScoreDeployAction } from './scoreDeploy';
import { createWorkflowRunAction } from './workflowRun';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

jest.setTimeout(60_000);

describe('golden-path actions against a real Gantry backend', () => {
  let deps: { discovery: any; auth: any };
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        gantryPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            gantry: {
              defaultTenant: 'group:default/acme',
              providers: {
                directory: path.resolve(__dirname, '../../../../providers'),
              },
            },
          },
        }),
      ],
    });
    const port = (backend.server.address() as AddressInfo).port;
    deps = {
      discovery: mockServices.discovery.mock({
        getBaseUrl: async (id: string) => `http://localhost:${port}/api/${id}`,
      }),
      auth: mockServices.auth(),
    };
    stop = () => backend.stop();
  });
  afterAll(() => stop());

  const context = (input: any, isDryRun = false) => {
    const ctx = createMockActionContext({
      input,
      isDryRun,
      workspacePath: mkdtempSync(path.join(os.tmpdir(), 'gantry-ws-')),
    });
    ctx.getInitiatorCredentials = async () => mockCredentials.user();
    (ctx as { isDryRun?: boolean }).isDryRun = isDryRun;
    return ctx;
  };

  it('gantry:workflow:run starts a workflow, waits, and outputs its steps', async () => {
    const ctx = context({
      workflow: 'examples/hello-world',
      inputs: { name: 'Scaffolder' },
    });
    await createWorkflowRunAction(deps).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    expect(ctx.output).toHaveBeenCalledWith('outputs', {
      greet: { stdout: 'Hello Scaffolder!\n', exit_code: 0 },
    });
  });

  it('gantry:workflow:run plans instead of running in a dry run', async () => {
    const ctx = context({ workflow: 'database-team/create-postgres' }, true);
    await createWorkflowRunAction(deps).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    const outputs = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'outputs',
    )[1];
    expect(outputs['create-postgres-cluster']).toMatchObject({ planned: true });
  });

  it('gantry:score:deploy deploys a Score spec from the workspace', async () => {
    const ctx = context({ specPath: 'score.yaml', profile: 'plan_only' });
    writeFileSync(
      path.join(ctx.workspacePath, 'score.yaml'),
      'apiVersion: score.dev/v1b1\nmetadata:\n  name: golden-app\ncontainers:\n  web:\n    image: nginx\nresources:\n  db:\n    type: postgres\n',
    );
    await createScoreDeployAction(deps).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('application', 'golden-app');
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
  });

  it('fails the template step with the reason when the run fails', async () => {
    const ctx = context({ workflow: 'examples/nope' });
    await expect(createWorkflowRunAction(deps).handler(ctx)).rejects.toThrow(
      /404|does not exist/,
    );
  });
});
