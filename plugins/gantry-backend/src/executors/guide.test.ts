import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  createTestEngine,
  testDatabases,
} from '../engine/__testUtils__/testEngine';

jest.setTimeout(30_000);
const databases = testDatabases();

/** A stand-in kubectl (no Kubernetes API runs on these machines) that records what it got. */
function fakeKubectl(): { dir: string; path: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-kubectl-'));
  mkdirSync(path.join(dir, 'bin'));
  writeFileSync(
    path.join(dir, 'bin', 'kubectl'),
    `#!/bin/sh\necho "$*" > ${dir}/args\ncat > ${dir}/stdin\n`,
  );
  chmodSync(path.join(dir, 'bin', 'kubectl'), 0o755);
  return { dir, path: `${dir}/bin:/usr/bin:/bin` };
}

describe('guide step types', () => {
  let t: Awaited<ReturnType<typeof createTestEngine>>;
  beforeEach(async () => {
    t = await createTestEngine(databases, 'SQLITE_3');
    t.engine.start();
  });
  afterEach(() => t.engine.stop());

  const run = async (yaml: string, extra: object = {}) => {
    const r = await t.engine.submit({
      definition: `name: g\nsteps:\n${yaml}`,
      tenant: 'acme',
      createdBy: 'user:default/ada',
      ...extra,
    });
    const done = await t.engine.waitFor(r.id);
    return {
      done,
      step: (await t.store.getSteps(r.id))[0],
      events: await t.store.listEvents(r.id, 0, 1000),
    };
  };

  it('policy fails naming every broken rule', async () => {
    const rules = `  - id: p\n    type: policy\n    config:\n      rules:\n        - { name: prod-only, condition: "\${workflow.ENV} == 'prod'", message: deploy to prod only }\n        - { name: small, condition: "int(\${workflow.REPLICAS}) <= 3" }\n`;
    const ok = await run(rules, {
      context: { variables: { ENV: 'prod', REPLICAS: '2' } },
    });
    expect(ok.done.status).toBe('succeeded');
    const bad = await run(rules, {
      context: { variables: { ENV: 'dev', REPLICAS: '9' } },
    });
    expect(bad.step.error).toBe('policy violated: deploy to prod only; small');
  });

  it('assert evaluates its condition with values, which cannot rewrite it', async () => {
    const yaml = `  - id: a\n    type: assert\n    condition: "\${workflow.ENV} == 'prod'"\n    message: prod only\n`;
    expect(
      (await run(yaml, { context: { variables: { ENV: 'prod' } } })).done
        .status,
    ).toBe('succeeded');
    const attack = await run(yaml, {
      context: { variables: { ENV: "x' || true || '" } },
    });
    expect(attack.step.error).toBe('prod only');
  });

  it('cost-analysis sums items and enforces the budget', async () => {
    const yaml = (budget: number) =>
      `  - id: c\n    type: cost-analysis\n    config:\n      budget_usd: ${budget}\n      items:\n        - { name: db, monthly_usd: 120 }\n        - { name: nodes, unit_usd: 35.5, quantity: 2 }\n`;
    const ok = await run(yaml(500));
    expect(ok.step.outputs).toMatchObject({ total_usd: 191 });
    const over = await run(yaml(150));
    expect(over.step.error).toBe(
      'estimated $191.00/month exceeds the budget of $150.00',
    );
  });

  it('tagging outputs tags and labels resources', async () => {
    const kubectl = fakeKubectl();
    const { step, done } = await run(
      `  - id: t\n    type: tagging\n    namespace: payments\n    env: { PATH: "${kubectl.path}" }\n    config:\n      tags: { team: checkout, cost-center: cc-4711 }\n      resources: [deployment/checkout]\n`,
    );
    expect(done.status).toBe('succeeded');
    expect(step.outputs.tags).toEqual({
      team: 'checkout',
      'cost-center': 'cc-4711',
    });
    expect(readFileSync(path.join(kubectl.dir, 'args'), 'utf8').trim()).toBe(
      'label --overwrite deployment/checkout team=checkout cost-center=cc-4711 -n payments',
    );
  });

  it('monitoring applies a PrometheusRule for known alerts and names unknown ones', async () => {
    const kubectl = fakeKubectl();
    const ok = await run(
      `  - id: m\n    type: monitoring\n    env: { PATH: "${kubectl.path}" }\n    config:\n      service: payment-gateway\n      alerts: [error_rate, transaction_latency]\n`,
    );
    expect(ok.done.status).toBe('succeeded');
    const manifest = readFileSync(path.join(kubectl.dir, 'stdin'), 'utf8');
    expect(manifest).toContain('kind: PrometheusRule');
    expect(manifest).toContain('alert: payment-gateway-error_rate');
    expect(manifest).toContain('alert: payment-gateway-transaction_latency');
    const bad = await run(
      '  - id: m\n    type: monitoring\n    config:\n      service: s\n      alerts: [cpu_melt]\n',
    );
    expect(bad.step.error).toBe(
      'unknown alerts cpu_melt; known: error_rate, transaction_latency, connection_count, availability',
    );
  });

  it('security says how to get trivy when it is missing', async () => {
    const { step } = await run(
      '  - id: s\n    type: security\n    env: { PATH: /nonexistent }\n    config:\n      image: nginx:latest\n',
    );
    expect(step.error).toMatch(
      /^trivy is not installed where Gantry runs \(needed for security scans\)/,
    );
  });

  it('vault-setup generates missing secrets, keeps existing ones and writes policies', async () => {
    // Vault itself cannot be installed on these machines (neither Debian nor
    // npm has it): a stand-in speaks the parts of its HTTP API used here.
    const kv: Record<string, Record<string, string>> = {
      'secret/data/apps/checkout': { 'stripe-api-key': 'existing-value' },
    };
    const policies: Record<string, string> = {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', c => {
        body += c;
      });
      req.on('end', () => {
        if (req.headers['x-vault-token'] !== 'root-token')
          return res.writeHead(403).end();
        const key = req.url!.replace('/v1/', '');
        if (req.method === 'GET') {
          return kv[key]
            ? res
                .writeHead(200)
                .end(JSON.stringify({ data: { data: kv[key] } }))
            : res.writeHead(404).end();
        }
        if (key.startsWith('sys/policies/acl/'))
          policies[key.slice(17)] = JSON.parse(body).policy;
        else kv[key] = JSON.parse(body).data;
        return res.writeHead(204).end();
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    t.secrets.set('vault_token', 'root-token');
    try {
      const { done, step, events } = await run(
        `  - id: v\n    type: vault-setup\n    config:\n      address: http://127.0.0.1:${
          (server.address() as AddressInfo).port
        }\n      token: \${secrets.vault_token}\n      path: secret/apps/checkout\n      secrets: [stripe-api-key, webhook-signing-key]\n      policies: [payment-service-read, payment-audit-write]\n`,
      );
      expect(done.status).toBe('succeeded');
      const stored = kv['secret/data/apps/checkout'];
      expect(stored['stripe-api-key']).toBe('existing-value');
      expect(stored['webhook-signing-key']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(step.outputs).toMatchObject({
        generated: ['webhook-signing-key'],
        keys: ['stripe-api-key', 'webhook-signing-key'],
      });
      expect(policies['payment-service-read']).toBe(
        'path "secret/data/apps/checkout" {\n  capabilities = ["read"]\n}\n',
      );
      expect(policies['payment-audit-write']).toContain(
        '"create", "update", "read"',
      );
      const everything = JSON.stringify({ step, events });
      expect(everything).not.toContain(stored['webhook-signing-key']);
      expect(everything).not.toContain('root-token');
    } finally {
      server.close();
    }
  });

  it('resource-provisioning runs the workflow of the provider that claims the type', async () => {
    t.engine.resolveResource = type => {
      if (type !== 'cache')
        throw new Error(`no provider provisions resources of type '${type}'`);
      return { provider: 'cache-team', workflow: 'create-cache' };
    };
    t.engine.resolveWorkflow = async (provider, workflow) =>
      provider === 'cache-team' && workflow === 'create-cache'
        ? {
            text: 'name: create-cache\nsteps:\n  - id: make\n    type: shell\n    command: echo "size=${SIZE}" >> "$GANTRY_OUTPUT"\n',
          }
        : undefined;
    const { done, step } = await run(
      '  - id: r\n    type: resource-provisioning\n    config:\n      type: cache\n      params: { SIZE: 2Gi }\n',
    );
    expect(done.status).toBe('succeeded');
    expect(step.outputs).toMatchObject({ steps: { make: { size: '2Gi' } } });
  });
});
