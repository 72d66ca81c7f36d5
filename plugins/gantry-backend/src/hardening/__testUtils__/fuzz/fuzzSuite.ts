import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { TEST_CHECKOUT_SPEC } from '../../../__testUtils__/gantryTestBackend';
import { gantryRoutes } from '../../../__testUtils__/routes';
import { CallResult, HardeningBackend, problemWith } from '../harness';

const REPO = path.resolve(__dirname, '../../../../../..');

export interface FuzzOptions {
  seed: number;
  /** generated workflows; specs and bodies per route scale with it */
  runs: number;
  log?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  byStatus: Record<string, number>;
  /** per area: requests sent */
  areas: Record<string, number>;
  /** requests the backend did not answer (connection dropped: a crash) */
  crashes: number;
  /** 5xx answers */
  serverErrors: number;
  /** a refusal without a clear message, or with a stack trace */
  unclear: number;
  /** workflow validation errors without a line */
  unlocated: number;
  problems: string[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [readFileSync(full, 'utf8')] : [];
  });
}

/** The DSL's fixtures (all three forms, valid and not) and the demo providers' workflows. */
export function workflowCorpus(): string[] {
  return [
    ...yamlFiles(path.join(REPO, 'plugins/gantry-common/src/dsl/__fixtures__')),
    ...yamlFiles(path.join(REPO, 'providers')).filter(t => /steps:/.test(t)),
  ];
}

/** Strings that break parsers, quoting and expressions. */
const NASTY = [
  '',
  ' ',
  '\0',
  '\t',
  '\r\n',
  '\u2028',
  '\uFEFF',
  'null',
  '~',
  'true',
  '0x10',
  '1e999',
  '-0',
  '&a [*a]',
  '*unknown',
  '!!js/function "x"',
  '!!binary AAAA',
  '<<: *a',
  '{',
  '[',
  '? a',
  '|',
  '>-',
  "'",
  '"',
  '${',
  '${}',
  '${a.b',
  '${secrets.',
  '{{',
  '{{ }}',
  '$$',
  '${__proto__.polluted}',
  '${constructor.constructor}',
  '{{ inputs.__proto__ }}',
  '") || true || ("',
  "size(x) > 1 && 'a'.matches('(a+)+$')",
  '1/0',
  "'a' + 1",
  '(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))',
  '[a-',
  '(a+)+$',
  '\\',
  '$(id)',
  '`id`',
  '; rm -rf /',
  '../../etc/passwd',
  '%2e%2e%2f',
  '__proto__',
  'constructor',
  'prototype',
  'x'.repeat(5000),
  '99999999999999999999',
  '-1',
  '1.5',
  '30x',
  '10m',
];

const nasty = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

const STEP_TYPES = [
  'shell',
  'http',
  'assert',
  'approval',
  'workflow',
  'notify.email',
  'notify.webhook',
  'terraform',
  'kubernetes',
  'kubectl',
  'ansible',
  'vault',
  'database_migration',
  'no-such-type',
];

const scalar = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(nasty, fc.constantFrom('__proto__', 'a')),
      tie('value'),
      {
        maxKeys: 3,
      },
    ),
  ),
})).value;

const condition = fc.oneof(
  nasty,
  fc.constantFrom(
    'always',
    'on_failure',
    "${workflow.ENVIRONMENT} == 'production'",
    '${steps.a.exit_code} == 0',
    "inputs.name == 'x'",
  ),
);

const id = fc.oneof(fc.constantFrom('a', 'b', 'c', 'build', 'deploy'), nasty);

const simpleForm = fc.record(
  {
    name: fc.oneof(fc.constant('fuzz'), nasty),
    description: nasty,
    steps: fc.array(
      fc.record(
        {
          name: id,
          type: fc.constantFrom(...STEP_TYPES),
          config: fc.dictionary(
            fc.constantFrom(
              'command',
              'url',
              'method',
              'timeout',
              'retries',
              'provider',
              'workflow',
              'condition',
              'message',
              'variables',
            ),
            value,
            { maxKeys: 3 },
          ),
          env: fc.dictionary(nasty, nasty, { maxKeys: 2 }),
          when: condition,
          unless: condition,
          namespace: nasty,
        },
        { requiredKeys: ['name', 'type'] },
      ),
      { maxLength: 5 },
    ),
  },
  { requiredKeys: ['steps'] },
);

const fullForm = fc.record({
  apiVersion: fc.oneof(fc.constant('workflow.dev/v1'), nasty),
  kind: fc.oneof(fc.constant('ProductWorkflow'), nasty),
  metadata: fc.record(
    {
      name: fc.oneof(fc.constant('fuzz-full'), nasty),
      product: nasty,
      owner: nasty,
      phase: fc.oneof(
        fc.constantFrom('pre-deployment', 'deployment', 'post-deployment'),
        nasty,
      ),
    },
    { requiredKeys: ['name'] },
  ),
  spec: fc.record({
    triggers: fc.array(
      fc.oneof(
        fc.constantFrom('manual', 'product_deployment', 'first_deployment'),
        nasty.map(s => `event:${s}`),
        value,
      ),
      { maxLength: 3 },
    ),
    steps: simpleForm.map(s => s.steps),
  }),
});

const secureForm = fc.record(
  {
    name: fc.oneof(fc.constant('fuzz-secure'), nasty),
    version: fc.oneof(fc.constant('1.0'), nasty, fc.double()),
    inputs: fc.dictionary(
      fc.oneof(fc.constantFrom('name', 'env', '__proto__'), nasty),
      fc.record(
        {
          type: fc.oneof(
            fc.constantFrom('string', 'number', 'boolean', 'array', 'object'),
            nasty,
          ),
          required: fc.oneof(fc.boolean(), nasty),
          default: value,
          validation: fc.record(
            {
              pattern: fc.oneof(
                fc.constantFrom('^[a-z]+$', '(a+)+$', '[', '(?<x>', '\\'),
                nasty,
              ),
              enum: fc.array(scalar, { maxLength: 3 }),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 3 },
    ),
    steps: fc.array(
      fc.record(
        {
          id,
          type: fc.constantFrom(...STEP_TYPES),
          command: fc.oneof(
            nasty,
            fc.constantFrom(
              "echo 'Hello {{ inputs.name }}!'",
              'echo ${inputs.name}',
              'echo "${steps.a.outputs.x}"',
            ),
          ),
          condition,
          message: nasty,
          timeout: fc.oneof(fc.integer(), nasty),
          retry: fc.record(
            {
              attempts: fc.oneof(fc.integer(), nasty),
              delay: fc.oneof(fc.integer(), nasty),
              backoff: nasty,
            },
            { requiredKeys: [] },
          ),
          depends_on: fc.oneof(fc.array(id, { maxLength: 3 }), nasty),
          when: condition,
        },
        { requiredKeys: ['id', 'type'] },
      ),
      { maxLength: 5 },
    ),
  },
  { requiredKeys: ['steps'] },
);

/** Text mutations of a YAML document. */
function mutated(corpus: string[]): fc.Arbitrary<string> {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('indent' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('dedent' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: nasty,
    }),
    fc.record({
      kind: fc.constant('value' as const),
      at: fc.nat(),
      text: nasty,
    }),
  );
  return fc
    .tuple(
      fc.constantFrom(...corpus),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
    )
    .map(([text, mutations]) => {
      let lines = text.split('\n');
      for (const m of mutations) {
        const i = lines.length ? m.at % lines.length : 0;
        switch (m.kind) {
          case 'delete':
            lines.splice(i, 1);
            break;
          case 'duplicate':
            lines.splice(i, 0, lines[i] ?? '');
            break;
          case 'swap':
            if (i + 1 < lines.length)
              [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
            break;
          case 'indent':
            lines[i] = `  ${lines[i] ?? ''}`;
            break;
          case 'dedent':
            lines[i] = (lines[i] ?? '').replace(/^ {1,2}/, '');
            break;
          case 'truncate': {
            const joined = lines.join('\n');
            lines = joined.slice(0, m.at % (joined.length + 1)).split('\n');
            break;
          }
          case 'insert': {
            const line = lines[i] ?? '';
            const at = m.at % (line.length + 1);
            lines[i] = line.slice(0, at) + m.text + line.slice(at);
            break;
          }
          case 'value':
            // replace a scalar after `key:` with the nasty text, quoted or not
            lines[i] = (lines[i] ?? '').replace(
              /:\s.*$/,
              `: ${m.at % 2 ? JSON.stringify(m.text) : m.text}`,
            );
            break;
          default:
        }
      }
      return lines.join('\n');
    });
}

/** A YAML document that aliases itself into billions of nodes. */
const ALIAS_BOMB = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
name: bomb
steps: *g
`;

export function workflowTexts(): fc.Arbitrary<string> {
  const corpus = workflowCorpus();
  return fc.oneof(
    { weight: 4, arbitrary: mutated(corpus) },
    { weight: 2, arbitrary: simpleForm.map(w => stringify(w)) },
    { weight: 1, arbitrary: fullForm.map(w => stringify(w)) },
    { weight: 2, arbitrary: secureForm.map(w => stringify(w)) },
    { weight: 1, arbitrary: fc.constantFrom(ALIAS_BOMB, ...corpus) },
  );
}

const scoreForm = fc.record(
  {
    apiVersion: fc.oneof(fc.constant('score.dev/v1b1'), nasty),
    metadata: fc.record(
      {
        name: fc.oneof(fc.constant('fuzz-app'), nasty),
        product: fc.oneof(fc.constant('payments'), nasty),
      },
      { requiredKeys: [] },
    ),
    containers: fc.dictionary(
      nasty,
      fc.record(
        {
          image: nasty,
          variables: fc.dictionary(nasty, nasty, { maxKeys: 2 }),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 2 },
    ),
    resources: fc.dictionary(
      fc.oneof(fc.constant('db'), nasty),
      fc.record(
        {
          type: fc.oneof(
            fc.constantFrom('postgres', 's3', 'secrets', 'dns'),
            nasty,
          ),
          class: nasty,
          params: fc.dictionary(nasty, value, { maxKeys: 2 }),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: [] },
);

export function specTexts(): fc.Arbitrary<string> {
  const corpus = [
    TEST_CHECKOUT_SPEC,
    readFileSync(path.join(REPO, 'docs/examples/checkout-score.yaml'), 'utf8'),
  ];
  return fc.oneof(
    { weight: 3, arbitrary: mutated(corpus) },
    { weight: 2, arbitrary: scoreForm.map(s => stringify(s)) },
    { weight: 1, arbitrary: fc.constantFrom(ALIAS_BOMB, ...corpus) },
  );
}

const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'name',
  'class',
  'definition',
  'workflow',
  'inputs',
  'variables',
  'profile',
  'tenant',
  'type',
  'payload',
  'stages',
  'pipeline',
  'stage',
  'decision',
  'reason',
  'settings',
  'secrets',
  'adapter',
  'trigger',
  'actions',
  'filter',
  'status',
  'events',
  'config',
  'rules',
  'scopes',
  'workflows',
  'gitUrl',
  'ref',
  'path',
  'ids',
  'id',
  'message',
];

/** JSON text of an object, keys written as given (so `__proto__` is a real key). */
function objectText(entries: Array<[string, unknown]>): string {
  return `{${entries
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`)
    .join(',')}}`;
}

/** Bodies for a mutating route: objects with the API's keys, any JSON, broken JSON. */
export const bodyTexts: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), nasty), value), {
        maxLength: 5,
      })
      .map(objectText),
  },
  { weight: 1, arbitrary: fc.jsonValue().map(v => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{',
      '{"a":',
      '[1,2',
      'null',
      '"x"',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"a":1,"a":2}',
      `{"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      '\u0000',
    ),
  },
);

// '.' and '..' segments are resolved by the client before a request leaves
// (traversal in parameters is the security suite's, with raw requests)
const param = fc.oneof(
  fc.constantFrom('acme', 'dev', 'x', '...', 'run_0', '0', '-1'),
  nasty.filter(s => s.length > 0 && s.length < 300 && s !== '.' && s !== '..'),
);

/** Every mutating route with random path parameters. */
export function routeRequests(): fc.Arbitrary<{
  method: string;
  route: string;
  body: string;
  user: string;
}> {
  const mutating = gantryRoutes().filter(r => !r.startsWith('GET '));
  return fc
    .tuple(
      fc.constantFrom(...mutating),
      fc.array(param, { minLength: 4, maxLength: 4 }),
      bodyTexts,
      fc.constantFrom('ada', 'carl'),
      fc.constantFrom(
        '',
        '?tenant=group:default/acme',
        '?profile=nope',
        '?tenant=%00',
      ),
    )
    .map(([key, params, body, user, query]) => {
      const [method, pattern] = key.split(' ');
      let i = 0;
      const route = pattern.replace(/:[a-zA-Z]+/g, () =>
        encodeURIComponent(params[i++]),
      );
      return { method, route: `${route}${query}`, body, user };
    });
}

/**
 * Sends generated and mutated workflows (POST /runs, plan_only), Score
 * specs (POST /specs?profile=plan_only) and bodies for every mutating route;
 * counts every answer that is not a success or a clear refusal.
 */
export async function runFuzzSuite(
  backend: HardeningBackend,
  options: FuzzOptions,
): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const report: FuzzReport = {
    seed: options.seed,
    requests: 0,
    byStatus: {},
    areas: {},
    crashes: 0,
    serverErrors: 0,
    unclear: 0,
    unlocated: 0,
    problems: [],
  };
  const send = async (
    area: string,
    what: string,
    method: string,
    route: string,
    callOptions: Parameters<HardeningBackend['call']>[2],
  ): Promise<CallResult | undefined> => {
    report.requests++;
    report.areas[area] = (report.areas[area] ?? 0) + 1;
    let res: CallResult;
    try {
      res = await backend.call(method, route, callOptions);
    } catch (error) {
      report.crashes++;
      report.problems.push(
        `${area}: no answer (${error}) to ${method} ${route}: ${what.slice(
          0,
          300,
        )}`,
      );
      return undefined;
    }
    report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
    const problem = problemWith(res);
    if (problem) {
      if (res.status >= 500) report.serverErrors++;
      else report.unclear++;
      report.problems.push(
        `${area}: ${method} ${route} → ${problem}\n  input: ${JSON.stringify(
          what.slice(0, 500),
        )}`,
      );
    }
    return res;
  };
  const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt: number) =>
    fc.sample(arb, { seed: options.seed + salt, numRuns: n });

  const workflows = sample(workflowTexts(), options.runs, 1);
  for (const definition of workflows) {
    const res = await send('workflows', definition, 'POST', '/runs', {
      user: 'carl',
      body: { definition, profile: 'plan_only' },
    });
    if (res?.status === 400 && Array.isArray(res.json?.errors)) {
      for (const error of res.json.errors) {
        // an inline definition has no file: the line is what locates it
        if (!error.line) {
          report.unlocated++;
          if (report.unlocated <= 20)
            report.problems.push(
              `workflows: validation error without a line: ${JSON.stringify(
                error,
              )}\n  input: ${JSON.stringify(definition.slice(0, 500))}`,
            );
        }
      }
    }
  }
  log(`workflows: ${workflows.length} sent`);

  const specs = sample(specTexts(), Math.ceil(options.runs / 3), 2);
  for (const spec of specs) {
    await send('specs', spec, 'POST', '/specs?profile=plan_only', {
      user: 'carl',
      text: spec,
      contentType: 'application/yaml',
    });
  }
  log(`specs: ${specs.length} sent`);

  const bodies = sample(routeRequests(), options.runs * 3, 3);
  for (const { method, route, body, user } of bodies) {
    await send('routes', body, method, route, { user, text: body });
  }
  log(`route bodies: ${bodies.length} sent`);

  // still alive and answering
  const health = await backend
    .call('GET', '/health', { user: '' })
    .catch(() => undefined);
  if (!health || health.status !== 200) {
    report.crashes++;
    report.problems.push(
      `the backend does not answer /health after fuzzing: ${health?.status}`,
    );
  }
  return report;
}

export function formatFuzzReport(r: FuzzReport): string {
  return [
    `Fuzz (seed ${r.seed}): ${r.requests} requests (${Object.entries(r.areas)
      .map(([a, n]) => `${a} ${n}`)
      .join(', ')})`,
    `  answers: ${Object.entries(r.byStatus)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')}`,
    `  crashes ${r.crashes}, 5xx ${r.serverErrors}, unclear refusals ${r.unclear}, validation errors without a line ${r.unlocated} (all must be 0)`,
    ...r.problems.slice(0, 30).map(p => `  - ${p}`),
  ].join('\n');
}
