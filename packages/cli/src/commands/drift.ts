import { Command, InvalidArgumentError } from 'commander';
import { cyan, green, red, segment, table } from './format';
import { client, print, serverOptions } from './remote';

const ACTIONS = [
  'acknowledge',
  'stabilize',
  'reconcile',
  'close',
  'extend_ttl',
];
const RESOLUTIONS = ['promote', 'revert', 'replace', 'acknowledge'];
const SCOPES = ['workflows', 'credentials', 'tags', 'executions'];

const oneOf = (label: string, allowed: string[]) => (value: string) => {
  if (!allowed.includes(value))
    throw new InvalidArgumentError(
      `${label} must be one of ${allowed.join(', ')}.`,
    );
  return value;
};

/** "in 5 h", "2 h ago": a deadline as people read it. */
function fromNow(iso: string): string {
  const hours = Math.round((Date.parse(iso) - Date.now()) / 360_000) / 10;
  return hours >= 0 ? `in ${hours} h` : `${-hours} h ago`;
}

/** A unified diff line, added lines green and removed ones red. */
function colorDiffLine(line: string): string {
  if (line.startsWith('+')) return green(line);
  if (line.startsWith('-')) return red(line);
  return line;
}

/** The drifted workflows of a check or incident, with their changes. */
function describeDrift(drifted: any[], withPatch: boolean): string[] {
  return drifted.flatMap(d => [
    `  ${red('✘')} ${d.name} (${d.kind})`,
    ...d.changes
      .slice(0, 20)
      .map(
        (c: any) =>
          `      ${c.path}: ${JSON.stringify(c.expected)} → ${JSON.stringify(
            c.live,
          )}`,
      ),
    ...(d.changes.length > 20 ? [`      … ${d.changes.length - 20} more`] : []),
    ...(withPatch && d.patch ? d.patch.split('\n').map(colorDiffLine) : []),
  ]);
}

/** `gantry drift check|incidents|incident|act`. */
export function driftCommand(): Command {
  const drift = new Command('drift').description(
    'Check environments for drift and work drift incidents through their lifecycle.',
  );
  drift.addHelpText(
    'after',
    '\nExamples:\n  $ gantry drift check production --fail-on-drift\n  $ gantry drift incidents --state open\n  $ gantry drift incident inc_0abc --patch\n  $ gantry drift act inc_0abc reconcile --resolution revert',
  );

  serverOptions(
    drift
      .command('check')
      .argument('<environment>', 'environment name or id')
      .description(
        'Compare what the environment runs with what Gantry recorded, now',
      )
      .option('--patch', 'print the unified diff of each drifted workflow')
      .option('--fail-on-drift', 'exit with 1 when drift is found (for CI)'),
  ).action(async (environment: string, options) => {
    const check = await client(options).request(
      'POST',
      `/environments/${segment(environment)}/drift/check`,
    );
    print(options.json, check, () =>
      [
        `${check.environmentName}: ${
          check.status === 'drift' ? red('drift') : check.status
        } (${check.checkedWorkflows} workflow(s) checked)${
          check.message ? ` — ${check.message}` : ''
        }`,
        ...describeDrift(check.drifted, Boolean(options.patch)),
        check.incidentId
          ? `incident ${check.incidentId}: gantry drift incident ${check.incidentId}`
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    if (options.failOnDrift && check.status === 'drift') process.exitCode = 1;
  });

  serverOptions(
    drift
      .command('incidents')
      .description('List drift incidents, newest first')
      .option('--state <state>', 'open, DETECTED, ACKNOWLEDGED, … or CLOSED')
      .option('--environment <name>', 'only this environment')
      .option('--limit <n>', 'page size', '20')
      .option('--cursor <cursor>', 'next page, from the previous output'),
  ).action(async options => {
    const query = new URLSearchParams({
      limit: options.limit,
      ...(options.state ? { state: options.state } : {}),
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.cursor ? { cursor: options.cursor } : {}),
    });
    const page = await client(options).request(
      'GET',
      `/drift/incidents?${query}`,
    );
    print(options.json, page, () =>
      page.items.length === 0
        ? 'no drift incidents: environments run what Gantry recorded'
        : [
            ...table([
              [
                'ID',
                'STATE',
                'SEVERITY',
                'ENVIRONMENT',
                'EXPIRES',
                'WORKFLOWS',
              ],
              ...page.items.map((i: any) => [
                i.id,
                i.state,
                i.severity,
                i.environmentName,
                i.expired ? red('expired') : fromNow(i.expiresAt),
                i.affectedWorkflows.join(', '),
              ]),
            ]),
            page.nextCursor ? `more: --cursor ${page.nextCursor}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
    );
  });

  serverOptions(
    drift
      .command('incident')
      .argument('<id>', 'incident id')
      .description('Show an incident: its drift, deadline and history')
      .option('--patch', 'print the unified diff of each drifted workflow'),
  ).action(async (id: string, options) => {
    const incident = await client(options).request(
      'GET',
      `/drift/incidents/${segment(id)}`,
    );
    print(options.json, incident, () =>
      [
        `${cyan(incident.id)}  ${incident.state}  ${incident.severity}  ${
          incident.environmentName
        }`,
        incident.title,
        `expires ${
          incident.expired ? red('expired') : fromNow(incident.expiresAt)
        }${incident.owner ? `; owner ${incident.owner}` : ''}${
          incident.ticketRef ? `; ticket ${incident.ticketRef}` : ''
        }`,
        incident.pendingApproval
          ? `waiting for approval ${incident.pendingApproval.id} (${incident.pendingApproval.action})`
          : '',
        ...describeDrift(incident.drift, Boolean(options.patch)),
        'history:',
        ...incident.history.map(
          (h: any) =>
            `  ${h.at}  ${h.action.padEnd(12)} ${h.from ? `${h.from} → ` : ''}${
              h.to
            }  ${h.actor}${h.note ? `: ${h.note}` : ''}`,
        ),
      ]
        .filter(Boolean)
        .join('\n'),
    );
  });

  serverOptions(
    drift
      .command('act')
      .argument('<id>', 'incident id')
      .argument('<action>', ACTIONS.join(' | '), oneOf('action', ACTIONS))
      .description(
        "Move an incident along its lifecycle (or ask for the policy's approval)",
      )
      .option(
        '--resolution <resolution>',
        `for reconcile: ${RESOLUTIONS.join(' | ')}`,
        oneOf('resolution', RESOLUTIONS),
      )
      .option('--hours <n>', 'for extend_ttl: hours to add', value => {
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0)
          throw new InvalidArgumentError('must be a positive number of hours.');
        return n;
      })
      .option('--owner <ref>', 'owner, e.g. user:default/ada')
      .option('--ticket <ref>', 'ticket reference, e.g. OPS-42')
      .option('--note <text>', 'a note for the history'),
  )
    .addHelpText(
      'after',
      '\nResolutions: promote makes the live version canonical; revert puts back what Gantry recorded; replace puts the canonical version in place; acknowledge accepts the live version in this environment only.',
    )
    .action(async (id: string, action: string, options) => {
      const result = await client(options).request(
        'POST',
        `/drift/incidents/${segment(id)}/${action}`,
        {
          resolution: options.resolution,
          hours: options.hours,
          owner: options.owner,
          ticketRef: options.ticket,
          note: options.note,
        },
      );
      print(options.json, result, () =>
        result.approval
          ? `${action} waits for approval ${result.approval.id}: decide it with gantry approvals or in the portal's inbox`
          : `incident ${result.incident.id} is ${result.incident.state}${
              result.incident.resolutionNote
                ? `: ${result.incident.resolutionNote}`
                : ''
            }`,
      );
    });
  return drift;
}

/** `gantry sync <environment>`: a background sync, followed with progress. */
export function syncCommand(): Command {
  return serverOptions(
    new Command('sync')
      .argument('<environment>', 'environment name or id')
      .description(
        "Read an environment's workflows, credentials (metadata only), tags and executions from its platform",
      )
      .option(
        '--scope <scope>',
        `only this scope (repeatable): ${SCOPES.join(', ')}`,
        (value: string, previous: string[]) => [
          ...previous,
          oneOf('scope', SCOPES)(value),
        ],
        [] as string[],
      )
      .option('--no-wait', 'start the sync and return at once'),
  ).action(async (environment: string, options) => {
    const c = client(options);
    let job = await c.request(
      'POST',
      `/environments/${segment(environment)}/sync`,
      options.scope.length ? { scopes: options.scope } : {},
    );
    const say = (line: string) => {
      if (!options.json) process.stdout.write(`${line}\n`);
    };
    say(`sync ${job.id} started (${job.scopes.join(', ')})`);
    let after = 0;
    while (options.wait && !job.finishedAt) {
      await new Promise(r => setTimeout(r, 250));
      const next = await c.request(
        'GET',
        `/sync-jobs/${segment(job.id)}?after=${after}`,
      );
      for (const line of next.logs) say(`  ${line.message}`);
      after = next.logs.at(-1)?.seq ?? after;
      job = next.job;
    }
    if (options.json) print(true, job, () => '');
    else if (job.finishedAt)
      say(
        job.status === 'succeeded'
          ? `${green('✔')} synced: ${Object.entries(job.counts)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}; ${
              job.adopted
            } workflow(s) recorded for the first time`
          : `${red('✘')} sync failed: ${job.error}`,
      );
    if (job.status === 'failed') process.exitCode = 1;
  });
}
