import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import {
  createBuiltinExecutors,
  ProviderRegistry,
} from '@internal/plugin-gantry-backend';
import {
  formatDslError,
  validateWorkflow,
} from '@internal/plugin-gantry-common';
import { runValidate } from './validate';
import { ServerClient } from './server';
import { readFileOrUsage } from '../files';
import { describeEvent } from './progress';

interface ProviderRow {
  name: string;
  description?: string;
  owner?: string;
  tags: string[];
  healthy: boolean;
  errors: Array<{
    message: string;
    file?: string;
    line?: number;
    column?: number;
  }>;
  workflows: Array<{
    name: string;
    description?: string;
    form?: string;
    product?: string;
    phase?: string;
  }>;
}

/** Providers from a directory (default ./providers), or from a backend with --server. */
async function loadProviders(options: {
  dir?: string;
  server?: string;
  token?: string;
}): Promise<ProviderRow[]> {
  if (options.server) {
    const client = new ServerClient(
      options.server,
      options.token ?? process.env.GANTRY_TOKEN,
    );
    const rows: ProviderRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.request(
        'GET',
        `/providers?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const p of page.items)
        rows.push({
          ...p,
          workflows: p.workflows.map((name: string) => ({ name })),
        });
      cursor = page.nextCursor;
    } while (cursor);
    return rows;
  }
  const known = createBuiltinExecutors().map(e => e.type);
  const registry = new ProviderRegistry({
    localDirectory: path.resolve(options.dir ?? 'providers'),
    cacheDirectory: mkdtempSync(
      path.join(os.tmpdir(), 'gantry-cli-providers-'),
    ),
    sources: async () => [],
    knownStepTypes: () => known,
  });
  return (await registry.refresh()).map(status => ({
    name: status.name,
    description: status.provider?.manifest.description,
    owner: status.provider?.manifest.owner,
    tags: status.provider?.manifest.tags ?? [],
    healthy: status.errors.length === 0,
    errors: status.errors,
    workflows: (status.provider?.workflows ?? []).map(w => {
      const parsed = validateWorkflow(w.text, w.file).workflow;
      return {
        name: w.name,
        description: parsed?.description,
        form: parsed?.form,
        product: parsed?.product,
        phase: parsed?.phase,
      };
    }),
  }));
}

const sourceOptions = (command: Command) =>
  command
    .option('--dir <providers>', 'providers directory (default ./providers)')
    .option('--server <url>', 'ask a Gantry backend instead')
    .option(
      '--token <token>',
      'Backstage token for --server (default $GANTRY_TOKEN)',
    )
    .option('--json', 'print JSON');

function printWorkflows(
  rows: ProviderRow[],
  json: boolean | undefined,
  empty: string,
) {
  const list = rows.flatMap(p =>
    p.workflows.map(w => ({ provider: p.name, ...w })),
  );
  if (json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  if (list.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  for (const w of list) {
    const tags = [w.product && `product ${w.product}`, w.phase]
      .filter(Boolean)
      .join(', ');
    process.stdout.write(
      `${`${w.provider}/${w.name}`.padEnd(44)} ${w.description ?? ''}${
        tags ? ` (${tags})` : ''
      }\n`,
    );
  }
}

/** `gantry providers list|validate`. */
export function providersCommand(): Command {
  const providers = new Command('providers').description(
    'List and validate providers (providers/<team>/provider.yaml + workflows/).',
  );
  providers.addHelpText(
    'after',
    '\nExamples:\n  $ gantry providers list\n  $ gantry providers validate providers/storage-team\n  $ gantry providers list --server http://localhost:7007',
  );
  sourceOptions(
    providers
      .command('list')
      .description('List providers, their workflows and their health'),
  ).action(async options => {
    const rows = await loadProviders(options);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (rows.length === 0)
      process.stdout.write(
        'no providers: add one under providers/<team>/ (see docs/product-teams.md)\n',
      );
    for (const p of rows) {
      process.stdout.write(
        `${p.healthy ? '✔' : '✖'} ${p.name.padEnd(20)} ${String(
          p.workflows.length,
        ).padStart(2)} workflows  ${p.owner ?? ''}  ${p.description ?? ''}\n`,
      );
      for (const e of p.errors)
        process.stdout.write(`    ${formatDslError(e as any)}\n`);
    }
    process.exitCode = rows.every(p => p.healthy) ? 0 : 1;
  });
  providers
    .command('validate')
    .description(
      'Validate provider directories (same checks as gantry validate)',
    )
    .argument('[dirs...]', 'provider directories or folders of them', [
      'providers',
    ])
    .action((dirs: string[]) => {
      process.exitCode = runValidate(dirs, {});
    });
  return providers;
}

/** `gantry list-workflows` and `gantry list-goldenpaths`. */
export function listCommands(): Command[] {
  const workflows = sourceOptions(
    new Command('list-workflows').description('List every provider workflow'),
  ).action(async options =>
    printWorkflows(
      await loadProviders(options),
      options.json,
      'no workflows yet: add one under providers/<team>/workflows/',
    ),
  );
  const golden = sourceOptions(
    new Command('list-goldenpaths').description(
      'List golden paths: workflows of providers tagged golden-path',
    ),
  ).action(async options =>
    printWorkflows(
      (await loadProviders(options)).filter(p =>
        p.tags.includes('golden-path'),
      ),
      options.json,
      'no golden paths: tag a provider golden-path in its provider.yaml',
    ),
  );
  return [workflows, golden];
}

/** `gantry deploy score.yaml --server URL`: submits a Score spec and follows the deployment. */
export function deployCommand(): Command {
  return new Command('deploy')
    .description(
      'Deploy a Score spec: provision its resources and run its product workflows',
    )
    .argument('<score.yaml>', 'Score spec (score.dev/v1b1)')
    .option(
      '--server <url>',
      'Gantry backend (default $GANTRY_SERVER or http://localhost:7007)',
    )
    .option('--token <token>', 'Backstage token (default $GANTRY_TOKEN)')
    .option(
      '--profile <profile>',
      'security profile for the runs, e.g. plan_only',
    )
    .option('--json', 'print the finished deployment as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ gantry deploy score.yaml\n  $ gantry deploy score.yaml --profile plan_only --json',
    )
    .action(async (file: string, options) => {
      const client = new ServerClient(
        options.server ?? process.env.GANTRY_SERVER ?? 'http://localhost:7007',
        options.token ?? process.env.GANTRY_TOKEN,
      );
      const spec = readFileOrUsage(file);
      const created = await client.requestText(
        'POST',
        `/specs${
          options.profile
            ? `?profile=${encodeURIComponent(options.profile)}`
            : ''
        }`,
        spec,
      );
      if (!options.json)
        process.stdout.write(
          `deployment ${created.id} of ${created.application}${
            created.first ? ' (first)' : ''
          }\n`,
        );
      const seen = new Set<string>();
      for (;;) {
        const deployment = await client.request(
          'GET',
          `/deployments/${created.id}`,
        );
        for (const r of deployment.runs) {
          const key = `${r.ref}:${r.status}`;
          if (options.json || seen.has(key) || r.status === 'pending') continue;
          seen.add(key);
          const label =
            r.kind === 'resource'
              ? `resource ${r.resource} via ${r.ref}`
              : `${r.phase} ${r.ref}`;
          process.stdout.write(
            `${
              describeEvent({
                type: 'step',
                stepId: label,
                data: { status: r.status },
              }) ?? ''
            }${r.runId ? `  (run ${r.runId})` : ''}\n`,
          );
        }
        if (deployment.status !== 'running') {
          if (options.json)
            process.stdout.write(`${JSON.stringify(deployment, null, 2)}\n`);
          else
            process.stdout.write(
              `deployment ${deployment.status}${
                deployment.error ? `: ${deployment.error}` : ''
              }\n`,
            );
          process.exitCode = deployment.status === 'succeeded' ? 0 : 1;
          return;
        }
        await new Promise(r => setTimeout(r, 300));
      }
    });
}
