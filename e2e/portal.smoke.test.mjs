// Browser smoke test of the portal as `scripts/dev.sh start` runs it:
// starts `yarn start` (app on :3000, backend on :7007) on a throw-away SQLite
// directory, then drives Debian's chromium through playwright-core.
// Set GANTRY_E2E_REUSE=1 to test an already running portal instead.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { parse } from 'yaml';

const APP = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const ROOT = path.resolve(import.meta.dirname, '..');
const SHOTS = path.join(ROOT, '.data', 'e2e');
const STARTUP_TIMEOUT_MS = 300_000;
// A static external-access token (a script, not the guest) that starts the
// run the guest approves: nobody may approve their own request. Set on the
// portal started below; with GANTRY_E2E_REUSE configure it the same way.
const REQUESTER_TOKEN = 'e2e-requester-token-0123456789';

let portal;
let portalLog = '';
let dataDir;
let browser;

function portOpen(port) {
  return new Promise(resolve => {
    const socket = createConnection({ port, host: 'localhost' });
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitForOk(url, deadline) {
  for (;;) {
    if (portal && portal.exitCode !== null) {
      throw new Error(`the portal exited early:\n${portalLog.slice(-4000)}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return res;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${url} did not answer in time:\n${portalLog.slice(-4000)}`,
      );
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

before(async () => {
  if (!process.env.GANTRY_E2E_REUSE) {
    for (const port of [3000, 7007]) {
      if (await portOpen(port)) {
        throw new Error(
          `port ${port} is in use: stop the running portal or set GANTRY_E2E_REUSE=1 to test it`,
        );
      }
    }
    dataDir = mkdtempSync(path.join(tmpdir(), 'gantry-e2e-'));
    portal = spawn('yarn', ['start'], {
      cwd: ROOT,
      detached: true, // own process group, so teardown stops app and backend
      env: {
        ...process.env,
        BROWSER: 'none',
        APP_CONFIG_backend_database_connection_directory: dataDir,
        APP_CONFIG_backend_auth_externalAccess: JSON.stringify([
          {
            type: 'static',
            options: { token: REQUESTER_TOKEN, subject: 'e2e-requester' },
          },
        ]),
        APP_CONFIG_gantry_tenancy_serviceTenants: JSON.stringify({
          'e2e-requester': ['group:default/acme'],
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = chunk => {
      portalLog = (portalLog + chunk.toString()).slice(-20_000);
    };
    portal.stdout.on('data', collect);
    portal.stderr.on('data', collect);
  }
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  await waitForOk(`${BACKEND}/api/gantry/health`, deadline);
  await waitForOk(APP, deadline);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  if (portal && portal.exitCode === null) {
    process.kill(-portal.pid, 'SIGTERM');
    await new Promise(r => portal.once('exit', r));
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A Backstage token of the guest user, for API calls outside the browser. */
async function guestToken() {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh?env=development`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()).backstageIdentity.token;
}

/** Signs in as guest, runs `fn`, keeps a screenshot of the page when it fails. */
async function asGuest(name, fn) {
  const page = await browser.newPage();
  try {
    await page.goto(APP);
    await page.getByRole('button', { name: 'Enter' }).click();
    // signed in once the sidebar shows
    await page.getByRole('link', { name: 'Catalog' }).waitFor();
    await fn(page);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  } catch (error) {
    await page.screenshot({ path: path.join(SHOTS, `${name}-failed.png`) });
    throw error;
  } finally {
    await page.close();
  }
}

describe('portal', () => {
  it('answers GET /api/gantry/health with the database client', async () => {
    const res = await fetch(`${BACKEND}/api/gantry/health`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.database.client, 'better-sqlite3');
    assert.deepEqual(body.database.migrations.pending, []);
  });

  it('signs in as guest and shows the Gantry page', async () => {
    await asGuest('gantry-page', async page => {
      await page.getByRole('link', { name: 'Gantry' }).click();
      await page
        .getByRole('heading', { name: 'Gantry', exact: true })
        .waitFor();
      await page.getByText('Backend status').waitFor();
      await page.getByText('better-sqlite3', { exact: true }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/gantry');
    });
  });

  it('shows the demo organisation in the catalog', async () => {
    await asGuest('catalog-groups', async page => {
      // The catalog ingests catalog-info.yaml shortly after start: reload until it has.
      const deadline = Date.now() + 120_000;
      for (;;) {
        await page.goto(
          `${APP}/catalog?filters%5Bkind%5D=group&filters%5Buser%5D=all`,
        );
        try {
          await page
            .getByText('checkout-team')
            .first()
            .waitFor({ timeout: 5000 });
          break;
        } catch (e) {
          if (Date.now() > deadline) throw e;
        }
      }
      for (const name of [
        'ACME Corp',
        'Globex',
        'platform-team',
        'database-team',
        'storage-team',
      ]) {
        await page.getByText(name, { exact: true }).first().waitFor();
      }
      await page.goto(`${APP}/catalog/default/user/ada`);
      await page.getByText('Ada Admin').first().waitFor();
      await page.getByText('platform-admins').first().waitFor();
    });
  });

  it('starts a workflow from its page and follows the run live to success with its log', async () => {
    await asGuest('run-page', async page => {
      await page.goto(`${APP}/gantry/providers`);
      await page.getByRole('link', { name: 'hello-world' }).click();
      await page.getByText('My first secure workflow').waitFor();
      // the step graph is laid out once its nodes are measured
      await page.locator('[data-step=greet]').waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'workflow-page.png') });
      await page.getByLabel('input name').fill('E2E');
      await page.getByRole('button', { name: 'Run' }).click();
      await page.waitForURL(/\/gantry\/runs\/run_/);
      await page
        .locator('[data-testid=run-status] [data-status=succeeded]')
        .waitFor({ timeout: 30_000 });
      // the step's state shows on the graph too
      await page.locator('[data-step=greet][data-status=succeeded]').waitFor();
      await page
        .getByTestId('run-log')
        .getByText('greet │ Hello E2E!')
        .waitFor();
    });
  });

  it("pauses a run for approval, which is approved in the approver's inbox, then completes", async () => {
    const started = await fetch(`${BACKEND}/api/gantry/runs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${REQUESTER_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ workflow: 'examples/approval-demo' }),
    });
    assert.equal(started.status, 201, await started.clone().text());
    const runId = (await started.json()).id;
    const runUrl = `${APP}/gantry/runs/${runId}`;
    await asGuest('approval-inbox', async page => {
      await page.goto(runUrl);
      await page
        .locator('[data-testid=run-status] [data-status=waiting_approval]')
        .waitFor({ timeout: 30_000 });
      await page.goto(`${APP}/gantry/approvals`);
      // this run's request, whatever other runs wait for
      const row = page.getByRole('row', {
        name: new RegExp(`Ship release 1\\.0\\.1\\? ${runId}`),
      });
      await row.waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'approvals.png') });
      await row.getByRole('button', { name: 'Approve' }).click();
      const dialog = page.getByRole('dialog');
      await dialog
        .getByLabel('Comment (optional)')
        .fill('release notes checked');
      await dialog.getByRole('button', { name: 'Approve' }).click();
      await row.waitFor({ state: 'detached' });
      await page.goto(runUrl);
      await page
        .locator('[data-testid=run-status] [data-status=succeeded]')
        .waitFor({ timeout: 30_000 });
      await page
        .getByTestId('run-log')
        .getByText('ship │ shipped 1.0.1')
        .waitFor();
      await page.goto(`${APP}/gantry/runs`);
      await page
        .getByRole('cell', { name: 'examples/approval-demo' })
        .first()
        .waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'runs.png') });
      // the decision is in the audit log, with the guest as actor
      await page.goto(`${APP}/gantry/audit`);
      await page
        .getByRole('cell', { name: 'approval.approve' })
        .first()
        .waitFor();
      await page
        .getByRole('cell', { name: 'user:default/guest' })
        .first()
        .waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'audit.png') });
    });
  });

  it('offers the golden-path templates in the scaffolder', async () => {
    await asGuest('golden-paths', async page => {
      await page.goto(`${APP}/create`);
      await page
        .getByText('Onboard a dev team')
        .first()
        .waitFor({ timeout: 60_000 });
      await page
        .getByText('New service with a PostgreSQL database')
        .first()
        .waitFor();
    });
  });

  it('dry-runs the service-with-postgres golden path through the scaffolder', async () => {
    const dir = path.join(ROOT, 'templates', 'service-with-postgres');
    const template = parse(
      readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
    );
    const res = await fetch(`${BACKEND}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await guestToken()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        template,
        values: {
          name: 'dry-service',
          image: 'nginx:1.27',
          product: 'payments',
        },
        secrets: {},
        directoryContents: [
          {
            path: 'skeleton/score.yaml',
            base64Content: readFileSync(
              path.join(dir, 'skeleton', 'score.yaml'),
            ).toString('base64'),
          },
        ],
      }),
    });
    const body = await res.text();
    assert.equal(res.status, 200, body);
    const result = JSON.parse(body);
    // the spec was written, and the deploy step only planned it
    const spec = Buffer.from(
      result.directoryContents.find(f => f.path === 'score.yaml').base64Content,
      'base64',
    ).toString();
    assert.match(spec, /name: dry-service/);
    assert.match(
      JSON.stringify(result.log),
      /deployment \S+ of dry-service \(profile plan_only\)/,
    );
    assert.match(
      result.output.text[0].content,
      /Deployment \*\*\S+\*\* of\s+\*\*dry-service\*\*: succeeded/,
    );
  });

  it('runs the service-with-postgres golden path in plan_only and shows its runs on the Gantry pages', async () => {
    await asGuest('golden-path-run', async page => {
      await page.goto(`${APP}/create/templates/default/service-with-postgres`);
      await page.getByLabel('Service name').fill('checkout-service');
      await page.getByLabel('Product').fill('payments');
      await page.getByRole('button', { name: 'Review' }).click();
      await page.getByRole('button', { name: 'Create' }).click();
      await page
        .getByText(/Deployment\s+\S+\s+of\s+checkout-service:\s+succeeded/)
        .waitFor({ timeout: 120_000 });
      await page.screenshot({ path: path.join(SHOTS, 'golden-path.png') });
      await page.goto(`${APP}/gantry/runs`);
      await page
        .getByRole('cell', { name: 'database-team/create-postgres' })
        .first()
        .waitFor({ timeout: 30_000 });
      // and the application with its resource on the Applications tab
      await page.goto(`${APP}/gantry/applications`);
      await page.getByRole('link', { name: 'checkout-service' }).click();
      await page.getByRole('cell', { name: 'postgres' }).first().waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'application-page.png') });
    });
  });

  it("shows a team's providers and their runs, and a component's Gantry state, on their catalog pages", async () => {
    await asGuest('entity-tabs', async page => {
      await page.goto(`${APP}/catalog/default/group/database-team/gantry`);
      await page
        .getByText('Providers of this team')
        .waitFor({ timeout: 60_000 });
      await page.getByRole('link', { name: 'create-postgres' }).waitFor();
      // the golden-path run above provisioned its database through database-team
      await page.getByText('Runs of our providers').waitFor();
      await page
        .getByRole('cell', { name: 'database-team/create-postgres' })
        .first()
        .waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'team-tab.png') });
      await page.goto(
        `${APP}/catalog/default/component/checkout-service/gantry`,
      );
      // deployed by the golden-path test above
      await page.getByRole('cell', { name: 'postgres' }).first().waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'component-tab.png') });
      // payments' manual workflow, started from the component's page
      await page
        .getByRole('button', { name: 'Run checkout-team/payments-reconcile' })
        .click();
      // the Gantry run page, not a path below the entity's tab
      await page.waitForURL(new RegExp(`^${APP}/gantry/runs/run_`));
      await page
        .locator('[data-testid=run-status] [data-status=succeeded]')
        .waitFor({ timeout: 30_000 });
    });
  });

  it('walks the promotion wizard from dev to staging and shows the result on the matrix', async () => {
    const token = await guestToken();
    const api = async (method, url, body) => {
      const res = await fetch(`${BACKEND}/api/gantry${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      assert.ok(
        res.ok,
        `${method} ${url}: ${res.status} ${await res.clone().text()}`,
      );
      return res.json();
    };
    await api('POST', '/environments', { name: 'e2e-dev', class: 'dev' });
    await api('POST', '/environments', {
      name: 'e2e-staging',
      class: 'staging',
    });
    await api('PUT', '/environments/e2e-dev/workflows/e2e-flow', {
      definition:
        'name: e2e-flow\ndescription: Promoted by the browser test\nsteps:\n  - id: check\n    type: assert\n    config:\n      condition: "1 == 1"\n',
    });
    await api('PUT', '/pipelines/e2e-line', {
      stages: [
        {
          source: 'e2e-dev',
          target: 'e2e-staging',
          gates: { runPreFlightValidation: true },
        },
      ],
    });
    await asGuest('promotion-wizard', async page => {
      await page.goto(
        `${APP}/gantry/environments/promote?pipeline=e2e-line&stage=0`,
      );
      await page
        .getByRole('heading', { name: 'Choose the stage' })
        .waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Select workflows' }).waitFor();
      await page.getByRole('checkbox', { name: /e2e-flow/ }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Review the changes' }).waitFor();
      await page.getByText('e2e-flow').first().waitFor();
      await page
        .getByText(/runPreFlightValidation/)
        .first()
        .waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'promotion-review.png') });
      await page.getByRole('button', { name: 'Promote' }).click();
      await page.getByRole('heading', { name: 'Result' }).waitFor();
      await page
        .getByRole('table', { name: 'Results' })
        .getByText(/applied/i)
        .waitFor({ timeout: 30_000 });
      // staging now runs dev's version: in sync on the matrix
      await page.goto(`${APP}/gantry/environments`);
      await page.getByText('in sync').first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(SHOTS, 'environments.png') });
    });
    const staging = await api('GET', '/environments/e2e-staging');
    assert.deepEqual(
      staging.workflows.map(w => [w.name, w.source]),
      [['e2e-flow', 'promotion']],
    );
  });
});
