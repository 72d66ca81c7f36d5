import { Command, InvalidArgumentError } from 'commander';
import { client, print, serverOptions } from './remote';
import { ServerClient } from './server';
import { cyan, green, red, segment, table } from './format';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The first characters of a content hash, enough to tell versions apart. */
const short = (hash?: string) =>
  (hash ?? '').replace(/^sha256:/, '').slice(0, 8);

const integer = (label: string) => (value: string) => {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`${label} must be a whole number.`);
  return Number(value);
};

const seconds = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('must be a positive number of seconds.');
  return n;
};

/** `gantry environments list|show`. */
export function environmentsCommand(): Command {
  const environments = new Command('environments').description(
    "List a tenant's environments and the workflow versions they run.",
  );
  environments.addHelpText(
    'after',
    '\nExamples:\n  $ gantry environments list\n  $ gantry environments show staging\n  $ gantry environments show production --json',
  );

  serverOptions(
    environments
      .command('list')
      .description('List environments: name, class, adapter and health'),
  ).action(async options => {
    const page = await client(options).request('GET', '/environments');
    print(options.json, page, () =>
      page.items.length === 0
        ? 'no environments yet: a platform admin creates them in the portal'
        : table([
            ['NAME', 'CLASS', 'ADAPTER', 'HEALTH'],
            ...page.items.map((e: any) => [
              e.name,
              e.class,
              e.adapter,
              `${e.health}${e.healthMessage ? ` (${e.healthMessage})` : ''}`,
            ]),
          ]).join('\n'),
    );
  });

  serverOptions(
    environments
      .command('show')
      .argument('<environment>', 'environment name or id')
      .description('Show an environment and the workflows deployed to it'),
  )
    .addHelpText(
      'after',
      '\nEach workflow shows its short content hash, how it got there (direct edit, promotion or restore) and whether it is active.',
    )
    .action(async (name: string, options) => {
      const env = await client(options).request(
        'GET',
        `/environments/${segment(name)}`,
      );
      print(options.json, env, () =>
        [
          `${env.name}  ${env.class}  adapter ${env.adapter}  health ${
            env.health
          }${env.healthMessage ? ` (${env.healthMessage})` : ''}`,
          `  drift ${env.driftMode}${
            env.backupCron ? `  backups ${env.backupCron}` : ''
          }${env.gitUrl ? `  git ${env.gitUrl}` : ''}${
            env.secretNames?.length
              ? `  secrets ${env.secretNames.join(', ')}`
              : ''
          }`,
          env.workflows.length === 0
            ? 'no workflows: promote some with gantry promote'
            : table([
                ['WORKFLOW', 'HASH', 'SOURCE', 'STATE', 'DEPLOYED'],
                ...env.workflows.map((w: any) => [
                  w.name,
                  short(w.hash),
                  w.source,
                  w.active ? 'active' : 'inactive',
                  `${w.deployedAt} by ${w.deployedBy}`,
                ]),
              ]).join('\n'),
        ].join('\n'),
      );
    });
  return environments;
}

interface Change {
  name: string;
  definition: string | null;
  active: boolean;
}

/** `- name removed`, `+ name added`, `~ name changed`, against what runs now. */
function describeChanges(changes: Change[], current: Map<string, any>) {
  return changes.map(c => {
    const now = current.get(c.name);
    if (c.definition === null) return `  - ${c.name}  removed`;
    if (!now)
      return `  + ${c.name}  added (${c.active ? 'active' : 'inactive'})`;
    if (now.active === c.active) return `  ~ ${c.name}  changed`;
    return `  ~ ${c.name}  changed, ${c.active ? 'activated' : 'deactivated'}`;
  });
}

/** `gantry snapshots list|create|restore`. */
export function snapshotsCommand(): Command {
  const snapshots = new Command('snapshots').description(
    "Snapshots of an environment's workflow versions: list, take and restore.",
  );
  snapshots.addHelpText(
    'after',
    '\nExamples:\n  $ gantry snapshots list staging\n  $ gantry snapshots create staging --note "before the billing change"\n  $ gantry snapshots restore snap_0abc --dry-run\n  $ gantry snapshots restore snap_0abc --workflow billing-sync',
  );

  serverOptions(
    snapshots
      .command('list')
      .argument('<environment>', 'environment name or id')
      .description("List an environment's snapshots, newest first"),
  )
    .option('--limit <n>', 'page size', '20')
    .option('--cursor <cursor>', 'next page, from the previous output')
    .action(async (environment: string, options) => {
      const query = new URLSearchParams({
        limit: options.limit,
        ...(options.cursor ? { cursor: options.cursor } : {}),
      });
      const page = await client(options).request(
        'GET',
        `/environments/${segment(environment)}/snapshots?${query}`,
      );
      print(options.json, page, () =>
        [
          page.items.length === 0
            ? `no snapshots of ${environment} yet: take one with gantry snapshots create ${environment}`
            : table([
                ['ID', 'KIND', 'CREATED', 'CONTENT', 'GIT', 'NOTE'],
                ...page.items.map((s: any) => [
                  s.id,
                  s.kind,
                  s.createdAt,
                  short(s.contentHash),
                  s.gitCommit ? s.gitCommit.slice(0, 8) : '-',
                  s.note ?? '',
                ]),
              ]).join('\n'),
          page.nextCursor ? `more: --cursor ${page.nextCursor}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  serverOptions(
    snapshots
      .command('create')
      .argument('<environment>', 'environment name or id')
      .description('Take a manual snapshot of what an environment runs now'),
  )
    .option('--note <text>', 'why, shown with the snapshot')
    .action(async (environment: string, options) => {
      const snapshot = await client(options).request(
        'POST',
        `/environments/${segment(environment)}/snapshots`,
        options.note ? { note: options.note } : {},
      );
      print(
        options.json,
        snapshot,
        () =>
          `${snapshot.id}  ${snapshot.kind}  ${
            snapshot.content.length
          } workflow(s)  content ${short(snapshot.contentHash)}${
            snapshot.note ? `  ${snapshot.note}` : ''
          }`,
      );
    });

  serverOptions(
    snapshots
      .command('restore')
      .argument('<snapshot-id>', 'the snapshot to go back to')
      .description(
        'Put an environment back to a snapshot (a pre_restore snapshot is taken first)',
      ),
  )
    .option(
      '--workflow <name>',
      'restore only this workflow (repeatable)',
      collect,
      [],
    )
    .option('--dry-run', 'print what would change and change nothing')
    .addHelpText(
      'after',
      '\nLines read "+ name added", "~ name changed" or "- name removed".\n\nExamples:\n  $ gantry snapshots restore snap_0abc --dry-run\n  $ gantry snapshots restore snap_0abc --workflow billing-sync --workflow nightly-report',
    )
    .action(async (id: string, options) => {
      const c = client(options);
      const snapshot = await c.request('GET', `/snapshots/${segment(id)}`);
      const env = await c.request(
        'GET',
        `/environments/${segment(snapshot.environmentId)}`,
      );
      const current = new Map<string, any>(
        env.workflows.map((w: any) => [w.name, w]),
      );
      const body = {
        ...(options.workflow.length ? { workflows: options.workflow } : {}),
        ...(options.dryRun ? { preview: true } : {}),
      };
      const result = await c.request(
        'POST',
        `/snapshots/${segment(id)}/restore`,
        body,
      );
      const changes: Change[] = result.changes;
      const count = `${changes.length} workflow${
        changes.length === 1 ? '' : 's'
      }`;
      print(options.json, result, () => {
        if (changes.length === 0)
          return `${env.name} already matches ${id}: nothing to restore`;
        if (options.dryRun)
          return [
            `restoring ${id} would change ${count} in ${env.name}:`,
            ...describeChanges(changes, current),
            'dry run: nothing changed',
          ].join('\n');
        return [
          `restored ${id} in ${env.name}: ${count} changed`,
          ...describeChanges(changes, current),
          `undo with: gantry snapshots restore ${result.before.id}`,
        ].join('\n');
      });
    });
  return snapshots;
}

const FINAL = ['COMPLETED', 'FAILED', 'REJECTED', 'CANCELLED', 'ROLLED_BACK'];

function colorPatch(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return line;
  if (line.startsWith('+')) return green(line);
  if (line.startsWith('-')) return red(line);
  if (line.startsWith('@@')) return cyan(line);
  return line;
}

/** The preview as a person reads it: per workflow, then the gates. */
function describePreview(preview: any, label: string): string {
  const lines = [
    `promote ${preview.source} → ${preview.target} (${label}): risk ${preview.risk}`,
  ];
  if (preview.diff.length === 0) lines.push('  no workflows to promote');
  for (const d of preview.diff) {
    lines.push('', `${d.status.padEnd(13)} ${d.name}  risk ${d.risk}`);
    for (const f of d.findings ?? []) lines.push(`  ! ${f.risk}: ${f.what}`);
    if (d.patch && d.status !== 'UNCHANGED')
      lines.push(
        ...d.patch
          .replace(/\n$/, '')
          .split('\n')
          .filter((l: string) => !/^=+$/.test(l))
          .map((l: string) => `    ${colorPatch(l)}`),
      );
  }
  lines.push('', 'gates:');
  if (preview.gates.length === 0) lines.push('  none');
  for (const g of preview.gates)
    lines.push(
      `  ${g.passed ? green('✔') : red('✘')} ${g.gate}${
        g.reason ? `: ${g.reason}` : ''
      }`,
    );
  lines.push(
    '',
    preview.blocked
      ? red('blocked: a gate failed, nothing would be promoted')
      : 'not blocked: run without --dry-run to promote',
  );
  return lines.join('\n');
}

/** One line per workflow the promotion applied, failed or skipped. */
const describeResults = (promotion: any) =>
  (promotion.results ?? []).map(
    (r: any) =>
      `  ${
        { applied: green('✔'), failed: red('✘'), skipped: '-' }[
          r.status as string
        ] ?? '?'
      } ${r.name} ${r.status}${r.error ? `: ${r.error}` : ''}`,
  );

function describeStatus(promotion: any): string {
  if (promotion.status === 'PENDING_APPROVAL')
    return `waiting for approval ${promotion.approvalId}`;
  return promotion.status;
}

async function follow(
  c: ServerClient,
  promotion: any,
  intervalMs: number,
  say: (line: string) => void,
): Promise<any> {
  let current = promotion;
  while (!FINAL.includes(current.status)) {
    await new Promise(r => setTimeout(r, intervalMs));
    const next = await c.request('GET', `/promotions/${segment(current.id)}`);
    if (next.status !== current.status)
      say(
        next.status === 'PENDING_APPROVAL'
          ? describeStatus(next)
          : `status ${next.status}`,
      );
    current = next;
  }
  return current;
}

/** What a promotion that stopped says: its status, results and error. */
function describeEnd(promotion: any): string[] {
  return [
    ...describeResults(promotion),
    promotion.status === 'COMPLETED'
      ? `promotion ${promotion.id} completed${
          promotion.preSnapshotId
            ? `; undo with gantry promotions rollback ${promotion.id}`
            : ''
        }`
      : `promotion ${promotion.id} ${promotion.status.toLowerCase()}${
          promotion.error ? `: ${promotion.error}` : ''
        }`,
  ];
}

/** `gantry promote`: preview or start a promotion along a pipeline stage. */
export function promoteCommand(): Command {
  return serverOptions(
    new Command('promote')
      .description(
        "Promote workflows along a pipeline stage, from its source environment to its target, under the stage's gates and approval.",
      )
      .requiredOption('--pipeline <name>', 'pipeline name')
      .requiredOption(
        '--stage <n>',
        'stage index, 0 for the first',
        integer('--stage'),
      )
      .option(
        '--workflow <name>',
        'promote only this workflow (repeatable; default all)',
        collect,
        [],
      )
      .option(
        '--force',
        'promote over conflicts, where the pipeline allows forcing',
      )
      .option(
        '--dry-run',
        'print the diff, risk and gates; promote nothing (exit 1 when blocked)',
      )
      .option('--wait', 'follow the promotion until it ends')
      .option('--interval <seconds>', 'how often --wait polls', seconds, 2),
  )
    .addHelpText(
      'after',
      `
--dry-run shows each workflow's diff status (ADDED, MODIFIED, UNCHANGED, TARGET_ONLY,
TARGET_HOTFIX), its risk and findings and the unified patch, then every gate with ✔ or ✘.
Exit codes: 0 promoted (or, without --wait, started; with --dry-run, not blocked),
1 blocked, failed, rejected, cancelled or rolled back.

Examples:
  $ gantry promote --pipeline main --stage 0 --dry-run
  $ gantry promote --pipeline main --stage 1 --workflow billing-sync --wait
  $ gantry promote --pipeline main --stage 0 --json`,
    )
    .action(async options => {
      const c = client(options);
      const body = {
        pipeline: options.pipeline,
        stage: options.stage,
        ...(options.workflow.length ? { workflows: options.workflow } : {}),
        ...(options.force ? { force: true } : {}),
      };
      const label = `pipeline ${options.pipeline}, stage ${options.stage}`;
      if (options.dryRun) {
        const preview = await c.request('POST', '/promotions/preview', body);
        print(options.json, preview, () => describePreview(preview, label));
        process.exitCode = preview.blocked ? 1 : 0;
        return;
      }
      const say = (line: string) => {
        if (!options.json) process.stdout.write(`${line}\n`);
      };
      let promotion = await c.request('POST', '/promotions', body);
      say(
        `promotion ${promotion.id} (${label}, risk ${
          promotion.risk ?? 'none'
        }): ${describeStatus(promotion)}`,
      );
      if (options.wait)
        promotion = await follow(c, promotion, options.interval * 1000, say);
      const ended = FINAL.includes(promotion.status);
      if (options.json) print(true, promotion, () => '');
      else if (ended) say(describeEnd(promotion).join('\n'));
      else
        say(
          `follow it with: gantry promotions get ${promotion.id}, or start again with --wait`,
        );
      process.exitCode =
        promotion.status === 'COMPLETED' || (!ended && !options.wait) ? 0 : 1;
    });
}

/** `gantry promotions get|cancel|rollback`. */
export function promotionsCommand(): Command {
  const promotions = new Command('promotions').description(
    'Inspect, cancel and roll back promotions started with gantry promote.',
  );
  promotions.addHelpText(
    'after',
    '\nExamples:\n  $ gantry promotions get prom_0abc\n  $ gantry promotions cancel prom_0abc\n  $ gantry promotions rollback prom_0abc',
  );
  const show = (promotion: any) =>
    [
      `${promotion.id}  ${describeStatus(promotion)}  risk ${
        promotion.risk ?? 'none'
      }  ${(promotion.workflows ?? []).join(', ')}`,
      ...describeResults(promotion),
      promotion.error ? `  error: ${promotion.error}` : '',
    ]
      .filter(Boolean)
      .join('\n');

  serverOptions(
    promotions
      .command('get')
      .argument('<id>')
      .description('Show a promotion: status, risk and per-workflow results'),
  ).action(async (id: string, options) => {
    const promotion = await client(options).request(
      'GET',
      `/promotions/${segment(id)}`,
    );
    print(options.json, promotion, () => show(promotion));
  });

  for (const action of ['cancel', 'rollback'] as const) {
    serverOptions(
      promotions
        .command(action)
        .argument('<id>')
        .description(
          action === 'cancel'
            ? 'Cancel a promotion that has not started applying'
            : 'Put the target back to its pre-promotion snapshot',
        ),
    ).action(async (id: string, options) => {
      const promotion = await client(options).request(
        'POST',
        `/promotions/${segment(id)}/${action}`,
      );
      print(options.json, promotion, () => show(promotion));
    });
  }
  return promotions;
}
