import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  GantryEnvironmentAdapter,
  gantryEnvironmentAdaptersExtensionPoint,
} from '@internal/plugin-gantry-node';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A platform whose workflows are files in a directory (`settings.dir`):
 * `<name>.yaml`, and `<name>.off` beside it while the workflow is inactive.
 * Editing a file there is a change made outside Gantry, as on any external
 * platform; tests use it where the platform's kind does not matter (the
 * n8n tests run the same flows against a real n8n).
 */
export const directoryAdapter: GantryEnvironmentAdapter = {
  type: 'directory',
  description: 'Workflows as files in a directory',
  async testConnection(env) {
    const dir = String(env.settings.dir);
    const ok = Boolean((await stat(dir).catch(() => undefined))?.isDirectory());
    return {
      ok,
      message: ok ? `${dir} is there` : `${dir} is not a directory`,
    };
  },
  async apply(env, changes) {
    const dir = String(env.settings.dir);
    for (const change of changes) {
      const file = path.join(dir, `${change.name}.yaml`);
      const off = path.join(dir, `${change.name}.off`);
      if (change.definition === null) {
        await rm(file, { force: true });
        await rm(off, { force: true });
        continue;
      }
      await writeFile(file, change.definition);
      if (change.active) await rm(off, { force: true });
      else await writeFile(off, '');
    }
  },
  async readLive(env) {
    const dir = String(env.settings.dir);
    const files = (await readdir(dir)).filter(f => f.endsWith('.yaml'));
    return Promise.all(
      files.sort().map(async f => {
        const name = f.slice(0, -'.yaml'.length);
        return {
          name,
          definition: await readFile(path.join(dir, f), 'utf8'),
          active: !existsSync(path.join(dir, `${name}.off`)),
        };
      }),
    );
  },
};

export const directoryAdapterModule = createBackendModule({
  pluginId: 'gantry',
  moduleId: 'directory-adapter',
  register(reg) {
    reg.registerInit({
      deps: { adapters: gantryEnvironmentAdaptersExtensionPoint },
      async init({ adapters }) {
        adapters.addAdapters(directoryAdapter);
      },
    });
  },
});
