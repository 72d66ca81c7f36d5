import { Command } from 'commander';
import { describeEvent } from './progress';
import { ServerClient } from './server';

/** A client of the backend named by --server/--token/--tenant or their $GANTRY_ variables. */
export function client(options: {
  server?: string;
  token?: string;
  tenant?: string;
}): ServerClient {
  return new ServerClient(
    options.server ?? process.env.GANTRY_SERVER ?? 'http://localhost:7007',
    options.token ?? process.env.GANTRY_TOKEN,
    options.tenant ?? process.env.GANTRY_TENANT,
  );
}

/** Adds --server, --token, --tenant and --json. */
export const serverOptions = (command: Command) =>
  command
    .option(
      '--server <url>',
      'Gantry backend (default $GANTRY_SERVER or http://localhost:7007)',
    )
    .option('--token <token>', 'Backstage token (default $GANTRY_TOKEN)')
    .option(
      '--tenant <ref>',
      'tenant to act in, e.g. group:default/acme (default $GANTRY_TENANT, else your only tenant)',
    )
    .option('--json', 'print JSON');

/** Prints `value` as JSON with --json, else `text()`. */
export const print = (
  json: boolean | undefined,
  value: unknown,
  text: () => string,
) =>
  process.stdout.write(`${json ? JSON.stringify(value, null, 2) : text()}\n`);

/** `gantry runs list|get|logs|cancel|retry`. */
export function runsCommand(): Command {
  const runs = new Command('runs').description(
    'List, inspect, follow, cancel and retry runs on a Gantry backend.',
  );
  runs.addHelpText(
    'after',
    '\nExamples:\n  $ gantry runs list --status failed\n  $ gantry runs logs run_0abc --follow\n  $ gantry runs retry run_0abc',
  );

  serverOptions(runs.command('list').description('List runs, newest first'))
    .option('--status <status>', 'only runs in this status')
    .option('--limit <n>', 'page size', '20')
    .option('--cursor <cursor>', 'next page, from the previous output')
    .action(async options => {
      const query = new URLSearchParams({
        limit: options.limit,
        ...(options.status ? { status: options.status } : {}),
        ...(options.cursor ? { cursor: options.cursor } : {}),
      });
      const page = await client(options).request('GET', `/runs?${query}`);
      print(options.json, page, () =>
        [
          ...page.items.map(
            (r: any) =>
              `${r.id}  ${r.status.padEnd(16)} ${r.workflowName}  ${
                r.createdAt
              }`,
          ),
          page.items.length === 0
            ? 'no runs yet: start one with gantry run'
            : '',
          page.nextCursor ? `more: --cursor ${page.nextCursor}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  serverOptions(
    runs
      .command('get')
      .argument('<id>')
      .description('Show a run and its steps'),
  ).action(async (id, options) => {
    const run = await client(options).request('GET', `/runs/${id}`);
    print(options.json, run, () =>
      [
        `${run.id}  ${run.workflowName}  ${run.status}${
          run.error ? ` (${run.error})` : ''
        }`,
        ...run.steps.map(
          (s: any) =>
            `  ${s.stepId.padEnd(30)} ${s.status.padEnd(16)} attempts ${
              s.attempts
            }${s.reason ? `  ${s.reason}` : ''}`,
        ),
      ].join('\n'),
    );
  });

  serverOptions(
    runs
      .command('logs')
      .argument('<id>')
      .description('Print the events and log lines of a run'),
  )
    .option('-f, --follow', 'keep following until the run ends')
    .action(async (id, options) => {
      const c = client(options);
      if (options.follow) {
        await c.follow(id, line => process.stdout.write(`${line}\n`));
        return;
      }
      const page = await c.request('GET', `/runs/${id}/events?limit=1000`);
      print(options.json, page.items, () =>
        page.items.map(describeEvent).filter(Boolean).join('\n'),
      );
    });

  for (const action of ['cancel', 'retry'] as const) {
    serverOptions(
      runs
        .command(action)
        .argument('<id>')
        .description(
          action === 'cancel'
            ? 'Cancel a run'
            : 'Retry a failed run from its failed steps',
        ),
    ).action(async (id, options) => {
      const run = await client(options).request(
        'POST',
        `/runs/${id}/${action}`,
      );
      print(options.json, run, () => `${run.id}  ${run.status}`);
    });
  }
  return runs;
}

/** `gantry approvals list|approve|deny`. */
export function approvalsCommand(): Command {
  const approvals = new Command('approvals').description(
    'The approval inbox: list, approve and deny.',
  );
  approvals.addHelpText(
    'after',
    '\nExamples:\n  $ gantry approvals list\n  $ gantry approvals approve apr_0abc --reason "change window open"',
  );

  serverOptions(
    approvals
      .command('list')
      .description('List approvals (pending by default)'),
  )
    .option('--status <status>', 'pending, approved or denied', 'pending')
    .action(async options => {
      const page = await client(options).request(
        'GET',
        `/approvals?status=${encodeURIComponent(options.status)}`,
      );
      print(options.json, page, () =>
        page.items.length === 0
          ? `no ${options.status} approvals`
          : page.items
              .map(
                (a: any) =>
                  `${a.id}  ${a.status.padEnd(9)} run ${a.runId ?? '-'} step ${
                    a.stepId ?? '-'
                  }  ${a.message}`,
              )
              .join('\n'),
      );
    });

  for (const decision of ['approve', 'deny'] as const) {
    serverOptions(
      approvals
        .command(decision)
        .argument('<id>')
        .description(
          `${decision === 'approve' ? 'Approve' : 'Deny'} an approval`,
        ),
    )
      .option('--reason <text>', 'why (shown in the audit log)')
      .action(async (id, options) => {
        const approval = await client(options).request(
          'POST',
          `/approvals/${id}/decision`,
          { decision, reason: options.reason },
        );
        print(
          options.json,
          approval,
          () => `${approval.id}  ${approval.status} by ${approval.decidedBy}`,
        );
      });
  }
  return approvals;
}
