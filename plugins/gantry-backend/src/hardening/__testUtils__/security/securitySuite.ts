import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { gitRepo } from '../../../__testUtils__/gitRepo';
import { as } from '../../../__testUtils__/gantryTestBackend';
import {
  CallOptions,
  CallResult,
  problemWith,
  startHardeningBackend,
} from '../harness';

/** The configured secret; no response and no log line may contain it. */
export const SECRET = `canary-s3cr3t-${process.pid}-Zq7`;

export interface SecurityReport {
  /** injection strings × entry points tried */
  tried: number;
  /** injections that changed a command's structure, a condition, reached a file or an address they must not */
  escaped: number;
  serverErrors: number;
  /** refusals without a clear message */
  unclear: number;
  /** responses and log lines that contain the secret */
  secretsEchoed: number;
  responses: number;
  logLines: number;
  problems: string[];
  byEntryPoint: Record<string, number>;
}

/** Shell metacharacters and quoting breaks; CANARY is replaced by a file path. */
export const SHELL_INJECTIONS = [
  '; touch CANARY',
  '&& touch CANARY',
  '| touch CANARY',
  '|| touch CANARY',
  '$(touch CANARY)',
  '`touch CANARY`',
  '\ntouch CANARY',
  '\rtouch CANARY',
  "'; touch CANARY; '",
  '"; touch CANARY; "',
  "' ; touch CANARY #",
  '" ; touch CANARY #',
  '\\"; touch CANARY; \\"',
  "\\'; touch CANARY; \\'",
  '$(touch${IFS}CANARY)',
  '"$(touch CANARY)"',
  "'$(touch CANARY)'",
  '\'"$(touch CANARY)"\'',
  '${IFS}; touch CANARY',
  '$((1)); touch CANARY',
  '> CANARY',
  '>> CANARY',
  '< /dev/null; touch CANARY',
  'EOF\ntouch CANARY\nEOF',
  'x\nEOF\ntouch CANARY',
  '\u0000; touch CANARY',
  '-e ; touch CANARY',
  '*; touch CANARY',
  '~; touch CANARY',
  '$PATH; touch CANARY',
  '!!; touch CANARY',
  '{touch,CANARY}',
  '$(printf touch) CANARY',
  '\\\n; touch CANARY',
];

/** Expression, interpolation and template breaks. */
export const EXPRESSION_INJECTIONS = [
  '") || true || ("',
  "') || true || ('",
  "' || true || '",
  '" || true || "',
  'true',
  '1 == 1',
  "x') || (true",
  '${inputs.name} || true',
  '${secrets.DB_PASSWORD}',
  '{{ secrets.DB_PASSWORD }}',
  '${{ secrets.DB_PASSWORD }}',
  '{{ {{ secrets.DB_PASSWORD }} }}',
  '${${secrets.DB_PASSWORD}}',
  '$${secrets.DB_PASSWORD}',
  '${inputs.__proto__}',
  '${constructor.constructor}',
  '{{ constructor.constructor("return process")() }}',
  '#{7*7}',
  '<%= 7*7 %>',
];

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

export const TRAVERSALS = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%252F..%252Fetc%252Fpasswd',
  '....//....//etc/passwd',
  '/etc/passwd',
  '..\\..\\etc\\passwd',
  'examples/../../../etc/passwd',
  '%00',
];

function capturingLogger(lines: string[], meta = ''): LoggerService {
  const log = (level: string) => (message: string, extra?: Error | object) => {
    let rest = '';
    try {
      rest = extra
        ? JSON.stringify(extra, Object.getOwnPropertyNames(extra))
        : '';
    } catch {
      rest = String(extra);
    }
    lines.push(`${level} ${meta} ${message} ${rest}`);
  };
  const logger: LoggerService = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: (fields: object) =>
      capturingLogger(lines, `${meta} ${JSON.stringify(fields)}`),
  };
  return logger;
}

/** A loopback listener that counts who reached it: SSRF must never get there. */
async function listener(
  handler?: (req: http.IncomingMessage, res: http.ServerResponse) => void,
) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (handler) handler(req, res);
    else res.end('reached');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { hits, port, close: () => server.close() };
}

/**
 * Starts Gantry with a secret, an outbound allow-list and a log that keeps
 * every line, and runs the whole corpus against every entry point.
 */
export async function runSecuritySuite(
  options: { knex?: Knex; log?: (line: string) => void } = {},
): Promise<SecurityReport> {
  const log = options.log ?? (() => undefined);
  const logLines: string[] = [];
  const report: SecurityReport = {
    tried: 0,
    escaped: 0,
    serverErrors: 0,
    unclear: 0,
    secretsEchoed: 0,
    responses: 0,
    logLines: 0,
    problems: [],
    byEntryPoint: {},
  };
  // a redirect from an allowed host to one that is not
  const target = await listener();
  const redirector = await listener((_req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${target.port}/moved` });
    res.end();
  });
  const backend = await startHardeningBackend({
    knex: options.knex,
    config: {
      secrets: { DB_PASSWORD: SECRET },
      policy: { allowedOutboundDomains: ['localhost', '*.example.com'] },
    },
    features: [
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => capturingLogger(logLines) as any,
      }),
    ],
  });
  const answers: CallResult[] = [];
  const escaped = (entry: string, what: string) => {
    report.escaped++;
    report.problems.push(`ESCAPED ${entry}: ${what}`);
  };
  const call = async (
    entry: string,
    method: string,
    route: string,
    callOptions: CallOptions = {},
    count = true,
  ) => {
    if (count) {
      report.tried++;
      report.byEntryPoint[entry] = (report.byEntryPoint[entry] ?? 0) + 1;
    }
    const res = await backend.call(method, route, callOptions);
    answers.push(res);
    const problem = problemWith(res);
    if (problem) {
      if (res.status >= 500) report.serverErrors++;
      else report.unclear++;
      report.problems.push(`${entry}: ${method} ${route} → ${problem}`);
    }
    return res;
  };
  const canaryDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-canary-'));
  const TERMINAL = ['succeeded', 'failed', 'cancelled'];
  const finish = async (runIds: string[]) => {
    const runs: any[] = [];
    for (const id of runIds) {
      for (let i = 0; ; i++) {
        const res = await call(
          'poll',
          'GET',
          `/runs/${id}`,
          { user: 'carl' },
          false,
        );
        if (TERMINAL.includes(res.json?.status) || i > 1500) {
          runs.push(res.json);
          await call(
            'poll',
            'GET',
            `/runs/${id}/events?limit=1000`,
            { user: 'carl' },
            false,
          );
          break;
        }
        await new Promise(r => setTimeout(r, 40));
      }
    }
    return runs;
  };

  try {
    // 1. run inputs into shell steps, in every quoting context, and into a condition
    const shellWorkflow = `name: inject
inputs:
  value: { type: string }
steps:
  - id: unquoted
    type: shell
    command: echo \${inputs.value} > /dev/null
  - id: single
    type: shell
    command: echo '\${inputs.value}' > /dev/null
  - id: double
    type: shell
    command: echo "\${inputs.value}" > /dev/null
  - id: mustache
    type: shell
    command: echo {{ inputs.value }} > /dev/null
  - id: mixed
    type: shell
    command: echo "a-\${inputs.value}-b" 'c-\${inputs.value}' > /dev/null
  - id: heredoc
    type: shell
    command: |
      cat > /dev/null <<EOF
      \${inputs.value}
      EOF
  - id: output
    type: shell
    command: printf 'value=%s\\n' "\${inputs.value}" | head -c 0
  - id: condition
    type: shell
    command: touch CONDITION_CANARY
    when: "\${inputs.value} == 'never-this-value'"
    depends_on: []
  - id: condition-unless
    type: shell
    command: touch UNLESS_CANARY
    unless: "\${inputs.value} != 'never-this-value'"
    depends_on: []
`;
    const runIds: Array<{ id: string; value: string; canaries: string[] }> = [];
    const values = [...SHELL_INJECTIONS, ...EXPRESSION_INJECTIONS];
    for (const [i, raw] of values.entries()) {
      const canary = path.join(canaryDir, `shell-${i}`);
      const value = raw.replace(/CANARY/g, canary);
      const definition = shellWorkflow
        .replace('CONDITION_CANARY', path.join(canaryDir, `when-${i}`))
        .replace('UNLESS_CANARY', path.join(canaryDir, `unless-${i}`));
      const res = await call('shell inputs', 'POST', '/runs', {
        user: 'carl',
        body: { definition, inputs: { value } },
      });
      report.tried += 8; // the seven quoting contexts and the two conditions, less the one call counted
      report.byEntryPoint['shell inputs'] += 8;
      if (res.status === 201)
        runIds.push({
          id: res.json.id,
          value,
          canaries: [canary, `when-${i}`, `unless-${i}`],
        });
    }
    const shellRuns = await finish(runIds.map(r => r.id));
    const created = readdirSync(canaryDir);
    for (const file of created) escaped('shell inputs', `${file} was created`);
    shellRuns.forEach((run, i) => {
      if (run?.status !== 'succeeded' && run?.status !== 'failed')
        report.problems.push(
          `shell inputs: run ${run?.id} ended ${run?.status}`,
        );
      // a value that cannot be placed safely fails the run with a clear error
      if (run?.status === 'failed' && !run.error)
        report.problems.push(
          `shell inputs: run ${run.id} failed without an error`,
        );
      const steps = run?.steps ?? [];
      for (const id of ['condition', 'condition-unless']) {
        const step = steps.find((s: any) => s.stepId === id);
        if (step && step.status === 'succeeded')
          escaped(
            'conditions',
            `${id} ran for ${JSON.stringify(runIds[i].value)}`,
          );
      }
    });
    log(`shell inputs and conditions: ${runIds.length} runs`);

    // 2. injections in the workflow text itself: conditions, references, templates
    for (const value of EXPRESSION_INJECTIONS) {
      const when = JSON.stringify(`'a' == 'b' && ${value}`);
      const res = await call('conditions', 'POST', '/runs', {
        user: 'carl',
        body: {
          definition: `name: cond\nsteps:\n  - id: guarded\n    type: shell\n    command: touch ${path.join(
            canaryDir,
            'cond',
          )}\n    when: ${when}\n`,
        },
      });
      if (res.status === 201) {
        const [run] = await finish([res.json.id]);
        if (run?.steps?.[0]?.status === 'succeeded')
          escaped('conditions', `when ${when} ran the step`);
      }
    }
    if (existsSync(path.join(canaryDir, 'cond')))
      escaped('conditions', 'a guarded step ran');

    // 3. prototype pollution: JSON bodies, run inputs, workflow inputs and references
    const polluting = [
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"prototype":{"polluted":"yes"}}',
    ];
    const bodyRoutes: Array<[string, string, (p: string) => string]> = [
      [
        'POST',
        '/runs',
        p =>
          `{"definition":"name: p\\nsteps: []\\n","inputs":${p},"variables":${p}}`,
      ],
      ['POST', '/events', p => `{"type":"sec.tested","payload":${p}}`],
      [
        'POST',
        '/environments',
        p => `{"name":"proto","class":"dev","settings":${p}}`,
      ],
      [
        'POST',
        '/admin/workflows/create',
        p =>
          `{"name":"proto","trigger":{"event":"sec.tested"},"actions":[{"type":"export.orders","params":${p}}]}`,
      ],
      ['PUT', '/pipelines/proto', p => `{"stages":[${p}]}`],
      [
        'POST',
        '/notifications/rules',
        p => `{"name":"proto","events":["run.failed"],"filter":${p}}`,
      ],
      ['PUT', '/drift/policy', p => p],
    ];
    for (const [method, route, body] of bodyRoutes) {
      for (const p of polluting) {
        await call('prototype keys', method, route, { text: body(p) });
        await call('prototype keys', method, route, { text: p });
      }
    }
    for (const key of PROTOTYPE_KEYS) {
      await call('prototype keys', 'POST', '/runs', {
        user: 'carl',
        body: {
          definition: `name: p\ninputs:\n  ${key}: { type: string, default: x }\nsteps:\n  - id: s\n    type: shell\n    command: echo \${inputs.${key}}\n`,
          profile: 'plan_only',
        },
      });
      const ref = await call('prototype keys', 'POST', '/runs', {
        user: 'carl',
        body: {
          definition: `name: p\nsteps:\n  - id: s\n    type: shell\n    command: echo \${inputs.${key}.polluted} \${steps.s.${key}}\n`,
          profile: 'plan_only',
        },
      });
      if (ref.status !== 400)
        escaped(
          'prototype keys',
          `a reference through ${key} was accepted (${ref.status})`,
        );
    }
    if (
      ({} as any).polluted !== undefined ||
      (Object.prototype as any).polluted
    )
      escaped('prototype keys', 'Object.prototype was polluted');

    // 4. path traversal: provider and workflow refs, application routes, canonical paths
    for (const t of TRAVERSALS) {
      const refs = [`examples/${t}`, t, `${t}/hello-world`];
      for (const workflow of refs) {
        const res = await call('workflow refs', 'POST', '/runs', {
          user: 'carl',
          body: { workflow, profile: 'plan_only' },
        });
        if (res.status < 400)
          escaped('workflow refs', `${workflow} started a run`);
      }
      // as one path parameter (a client would resolve a bare ../ itself)
      const p = encodeURIComponent(t);
      for (const route of [
        `/providers/${p}`,
        `/applications/${p}/workflows/examples/hello-world/runs`,
        `/applications/checkout/workflows/${p}/hello-world/runs`,
        `/applications/checkout/workflows/examples/${p}/runs`,
      ]) {
        const method = route.endsWith('/runs') ? 'POST' : 'GET';
        const res = await call('workflow refs', method, route, {
          user: 'carl',
          body: {},
        });
        if (/root:x?:0:0|\/bin\/(ba)?sh/.test(res.text))
          escaped('workflow refs', `${route} answered a system file`);
      }
      const sub = await call('workflow refs', 'POST', '/runs', {
        user: 'carl',
        body: {
          definition: `name: sub\nsteps:\n  - id: s\n    type: workflow\n    config:\n      provider: ${JSON.stringify(
            t,
          )}\n      workflow: ${JSON.stringify(t)}\n`,
        },
      });
      if (sub.status === 201) {
        const [run] = await finish([sub.json.id]);
        if (run?.status === 'succeeded')
          escaped('workflow refs', `sub-workflow ${t} ran`);
      }
    }
    const repo = gitRepo();
    repo.write('workflows/ok.yaml', 'name: ok\nsteps: []\n');
    repo.commit('canonical');
    for (const t of [...TRAVERSALS, 'workflows/../..', '.', '..']) {
      const res = await call('canonical paths', 'PUT', '/canonical/source', {
        body: { gitUrl: repo.dir, ref: 'main', path: t },
      });
      if (res.status < 400) {
        // what it lists must be files of the repository's folder
        for (const w of res.json?.workflows ?? []) {
          const file = String(w.file ?? w.path ?? '');
          if (file.startsWith('/') || file.split('/').includes('..'))
            escaped('canonical paths', `${t} listed ${file}`);
        }
        if (/root:x?:0:0/.test(res.text))
          escaped('canonical paths', `${t} read a system file`);
        const sync = await call(
          'canonical paths',
          'POST',
          '/canonical/sync',
          {},
        );
        if (/root:x?:0:0/.test(sync.text))
          escaped('canonical paths', `${t} read a system file`);
      }
    }
    for (const t of [
      `../${path.basename(repo.dir)}`,
      'ext::sh -c touch% /tmp/x',
      '--upload-pack=touch /tmp/x',
      '-oProxyCommand=touch /tmp/x',
    ]) {
      await call('canonical paths', 'PUT', '/canonical/source', {
        body: { gitUrl: t, ref: 'main', path: 'workflows' },
      });
      await call('canonical paths', 'PUT', '/canonical/source', {
        body: { gitUrl: repo.dir, ref: t, path: 'workflows' },
      });
    }
    // raw paths, not normalised by a client
    for (const t of TRAVERSALS) {
      const res = await fetch(
        `${backend.base}/api/gantry/providers/${t.replace(/\//g, '%2F')}`,
        {
          headers: { authorization: as('carl') },
        },
      );
      const text = await res.text();
      report.tried++;
      report.byEntryPoint['workflow refs']++;
      if (/root:x?:0:0/.test(text))
        escaped('workflow refs', `raw ${t} answered a system file`);
      if (res.status >= 500) {
        report.serverErrors++;
        report.problems.push(
          `workflow refs: raw ${t} → ${res.status} ${text.slice(0, 200)}`,
        );
      }
    }
    log('traversal done');

    // 5. SSRF: http and webhook steps to addresses the allow-list does not name
    const ssrf = [
      `http://127.0.0.1:${target.port}/`,
      `http://[::1]:${target.port}/`,
      `http://0.0.0.0:${target.port}/`,
      `http://2130706433:${target.port}/`,
      `http://0x7f000001:${target.port}/`,
      `http://127.1:${target.port}/`,
      `http://localhost.:${target.port}/`,
      `http://localhost@127.0.0.1:${target.port}/`,
      `http://127.0.0.1:${target.port}/?h=localhost`,
      `http://127.0.0.1:${target.port}#localhost`,
      `http://evil.example.com.127.0.0.1.nip.io:${target.port}/`,
      `http://example.com:${target.port}/`,
      // an allowed host whose answer redirects to one that is not
      `http://localhost:${redirector.port}/redirect`,
    ];
    const metadata = [
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[fd00:ec2::254]/latest/meta-data/',
    ];
    const ssrfRuns: string[] = [];
    for (const url of ssrf) {
      for (const type of ['http', 'notify.webhook']) {
        const res = await call('http steps', 'POST', '/runs', {
          user: 'carl',
          body: {
            definition: `name: ssrf\nsteps:\n  - id: call\n    type: ${type}\n    config:\n      url: ${JSON.stringify(
              url,
            )}\n`,
          },
        });
        if (res.status === 201) ssrfRuns.push(res.json.id);
      }
    }
    // metadata addresses: planned only, so nothing leaves this machine; the policy must refuse them
    for (const url of metadata) {
      const res = await call('http steps', 'POST', '/runs', {
        user: 'carl',
        body: {
          profile: 'plan_only',
          definition: `name: ssrf\nsteps:\n  - id: call\n    type: http\n    config:\n      url: ${JSON.stringify(
            url,
          )}\n`,
        },
      });
      if (res.status === 201) {
        const [run] = await finish([res.json.id]);
        if (run?.status === 'succeeded')
          escaped('http steps', `${url} passed the outbound policy in a plan`);
      }
    }
    const ssrfResults = await finish(ssrfRuns);
    for (const run of ssrfResults) {
      if (run?.status === 'succeeded')
        escaped(
          'http steps',
          `run ${run.id} reached its URL: ${run.definition}`,
        );
    }
    if (target.hits.length)
      escaped(
        'http steps',
        `the loopback target was reached: ${target.hits.join(', ')}`,
      );
    log(`ssrf: ${ssrfRuns.length} runs, ${target.hits.length} hits`);

    // 6. event and webhook bodies
    const webhookSecret = 'webhook-secret-of-sixteen+';
    await call('event bodies', 'PUT', '/admin/webhooks/sec', {
      body: { event: 'sec.delivered', secret: webhookSecret },
    });
    const payloadValues = [
      ...SHELL_INJECTIONS.slice(0, 10),
      ...EXPRESSION_INJECTIONS,
    ];
    for (const [i, value] of payloadValues.entries()) {
      await call('event bodies', 'POST', '/events', {
        user: 'carl',
        body: {
          type: 'sec.tested',
          payload: { value, [value]: value },
          idempotencyKey: value || 'empty',
        },
      });
      await call('event bodies', 'POST', '/events', {
        user: 'carl',
        body: { type: value, payload: {} },
      });
      const text = JSON.stringify({ value, i, __proto__x: value });
      const signature = `sha256=${createHmac('sha256', webhookSecret)
        .update(text)
        .digest('hex')}`;
      await call('event bodies', 'POST', '/webhooks/sec', {
        user: '',
        text,
        headers: {
          'x-gantry-signature': signature,
          'x-gantry-delivery': `d-${i}`,
        },
      });
      await call(
        'event bodies',
        'POST',
        `/webhooks/${encodeURIComponent(value || 'x')}`,
        {
          user: '',
          text,
          headers: { 'x-gantry-signature': signature },
        },
      );
    }

    // 7. the secret: used in every way a workflow can, then looked for everywhere
    const secretRun = await call('secrets', 'POST', '/runs', {
      user: 'carl',
      body: {
        definition: `name: secretive
steps:
  - id: echo
    type: shell
    command: echo "token \${secrets.DB_PASSWORD}"; echo "\${secrets.DB_PASSWORD}" >&2
  - id: output
    type: shell
    command: echo "token=\${secrets.DB_PASSWORD}" >> "$GANTRY_OUTPUT"
  - id: assert
    type: assert
    config:
      condition: "'\${secrets.DB_PASSWORD}' == 'x'"
      message: "the secret is \${secrets.DB_PASSWORD}"
  - id: fail
    type: shell
    command: echo "failing with \${secrets.DB_PASSWORD}"; exit 3
    when: always
`,
      },
    });
    if (secretRun.status === 201) await finish([secretRun.json.id]);
    const plan = await call('secrets', 'POST', '/runs', {
      user: 'carl',
      body: {
        profile: 'plan_only',
        definition:
          'name: p\nsteps:\n  - id: s\n    type: shell\n    command: echo ${secrets.DB_PASSWORD}\n',
      },
    });
    if (plan.status === 201) await finish([plan.json.id]);
    for (const route of [
      '/runs?limit=200',
      '/audit?limit=200',
      '/approvals',
      '/admin/workflow-runs',
    ]) {
      await call('secrets', 'GET', route, {}, false);
    }
    const runList = await call(
      'secrets',
      'GET',
      '/runs?limit=200',
      { user: 'carl' },
      false,
    );
    for (const run of runList.json?.items ?? []) {
      await call('secrets', 'GET', `/runs/${run.id}`, { user: 'carl' }, false);
      await call(
        'secrets',
        'GET',
        `/runs/${run.id}/events?limit=1000`,
        { user: 'carl' },
        false,
      );
    }
    report.responses = answers.length;
    report.logLines = logLines.length;
    for (const res of answers) {
      if (res.text.includes(SECRET)) {
        report.secretsEchoed++;
        report.problems.push(
          `a response contains the secret: ${res.text.slice(0, 300)}`,
        );
      }
    }
    for (const line of logLines) {
      if (line.includes(SECRET)) {
        report.secretsEchoed++;
        report.problems.push(
          `a log line contains the secret: ${line.slice(0, 300)}`,
        );
      }
    }
  } finally {
    await backend.stop();
    target.close();
    redirector.close();
  }
  return report;
}

export function formatSecurityReport(r: SecurityReport): string {
  return [
    `Security sweep: ${r.tried} injections tried (${Object.entries(
      r.byEntryPoint,
    )
      .map(([e, n]) => `${e} ${n}`)
      .join(', ')})`,
    `  escaped ${r.escaped}, 5xx ${r.serverErrors}, unclear refusals ${r.unclear}, secrets echoed ${r.secretsEchoed} in ${r.responses} responses and ${r.logLines} log lines (all must be 0)`,
    ...r.problems.slice(0, 40).map(p => `  - ${p}`),
  ].join('\n');
}
