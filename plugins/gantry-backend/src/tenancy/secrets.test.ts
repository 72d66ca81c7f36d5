import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import {
  as,
  startGantryBackend,
  startRun,
  waitFor,
} from '../__testUtils__/gantryTestBackend';

jest.setTimeout(120_000);
const databases = testDatabases();
const SECRET = 'S3cr3t-Hunter2-Value';

/** A root logger that keeps every line any plugin logs. */
function capturingLogger() {
  const lines: string[] = [];
  const make = (meta: object): LoggerService => {
    const log = (message: string, extra?: unknown) => {
      lines.push(
        JSON.stringify({ message, meta, extra }, (_k, v) =>
          v instanceof Error ? `${v.message} ${v.stack}` : v,
        ),
      );
    };
    return {
      error: log,
      warn: log,
      info: log,
      debug: log,
      child: more => make({ ...meta, ...more }),
    };
  };
  return {
    lines,
    factory: createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => make({}) as any,
    }),
  };
}

/** A workflow that tries every way to show the secret. */
const LEAKY = `name: leaky
steps:
  - id: echo
    type: shell
    command: echo "the password is \${secrets.db_password}"
  - id: output
    type: shell
    command: echo "password=\${secrets.db_password}" >> "$GANTRY_OUTPUT"
  - id: gate
    type: approval
    config:
      message: "Rotate \${secrets.db_password}?"
      approvers: [group:default/checkout-team]
  - id: fail
    type: shell
    command: echo "\${secrets.db_password}" >&2; exit 2
`;

/**
 * Acceptance: no secret value appears in any API response, log line or
 * audit event, wherever a workflow puts it.
 */
describe.each(databases.eachSupportedId())('secrets on %s', databaseId => {
  it('are redacted from responses, logs, events and the audit log', async () => {
    const knex = await databases.init(databaseId);
    const logger = capturingLogger();
    const { server } = await startGantryBackend(
      knex,
      { secrets: { db_password: SECRET } },
      [logger.factory],
    );
    const responses: string[] = [];
    const get = async (user: string, path: string) => {
      const res = await request(server)
        .get(`/api/gantry${path}`)
        .set('authorization', as(user));
      responses.push(res.text);
      return res.body;
    };

    const run = await startRun(server, 'carl', LEAKY);
    await waitFor(
      server,
      `/runs/${run.id}`,
      'carl',
      r => r.status === 'waiting_approval',
    );
    const [approval] = (await get('priya', '/approvals/inbox')).items;
    const decision = await request(server)
      .post(`/api/gantry/approvals/${approval.id}/decision`)
      .set('authorization', as('priya'))
      .send({ decision: 'approve', comment: 'fine' });
    responses.push(decision.text);
    const done = await waitFor(
      server,
      `/runs/${run.id}`,
      'carl',
      r => r.status === 'failed',
    );
    responses.push(JSON.stringify(done));
    const events = await get('carl', `/runs/${run.id}/events?limit=1000`);
    const stream = await request(server)
      .get(`/api/gantry/runs/${run.id}/events/stream`)
      .set('authorization', as('carl'));
    responses.push(stream.text);
    await get('carl', '/runs');
    await get('carl', `/approvals?runId=${run.id}`);
    await get('ada', '/audit');

    // the secret was really used, and shown as *** where it appeared
    const steps = Object.fromEntries(done.steps.map((s: any) => [s.stepId, s]));
    expect(steps.echo.outputs.stdout).toBe('the password is ***\n');
    expect(steps.output.outputs.password).toBe('***');
    expect(approval.message).toBe('Rotate ***?');
    expect(JSON.stringify(events.items)).toMatch(/\*\*\*/);

    const stored = [
      ...(await knex('audit_events')),
      ...(await knex('runs')),
      ...(await knex('run_events')),
      ...(await knex('run_steps')),
      ...(await knex('approvals')),
      ...(await knex('approval_decisions')),
    ].map(row => JSON.stringify(row));
    const everything = [...responses, ...logger.lines, ...stored];
    // audit events also went to Backstage's auditor, which logs them
    expect(logger.lines.some(line => line.includes('approval-approve'))).toBe(
      true,
    );
    expect(everything.filter(text => text.includes(SECRET))).toEqual([]);
  });
});
