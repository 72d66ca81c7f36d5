import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';

export {
  directoryAdapter,
  directoryAdapterModule,
} from '../../testUtils/directoryAdapter';

/**
 * A staging environment on a directory platform with one workflow changed
 * there behind Gantry's back, checked: returns the environment, the check
 * and the incident it opened.
 */
export async function driftedEnvironment(
  server: any,
  authorization: string,
  name: string,
): Promise<{ env: any; check: any; incidentId: string; dir: string }> {
  const call = (method: 'post' | 'put', url: string, body?: object) =>
    (request(server) as any)
      [method](`/api/gantry${url}`)
      .set('authorization', authorization)
      .send(body ?? {});
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-platform-'));
  const env = (
    await call('post', '/environments', {
      name,
      class: 'staging',
      adapter: 'directory',
      settings: { dir },
    })
  ).body;
  await call('put', `/environments/${name}/workflows/flow`, {
    definition: 'name: flow\nsteps:\n  - id: ask\n    type: approval\n',
  });
  writeFileSync(
    path.join(dir, 'flow.yaml'),
    'name: flow\nsteps:\n  - id: ask-twice\n    type: approval\n',
  );
  const check = (await call('post', `/environments/${name}/drift/check`)).body;
  if (!check.incidentId) throw new Error(JSON.stringify(check));
  return { env, check, incidentId: check.incidentId, dir };
}
