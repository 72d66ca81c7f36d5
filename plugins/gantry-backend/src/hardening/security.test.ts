import { hardeningDatabase } from './__testUtils__/database';
import {
  formatSecurityReport,
  runSecuritySuite,
} from './__testUtils__/security/securitySuite';

jest.setTimeout(600_000);

const database = hardeningDatabase();

/**
 * The security sweep (same corpus as `reliability:security`; figures in
 * docs/reliability.md): injections into shell steps (checked with a real
 * /bin/sh and canary files), conditions, prototype keys, refs and paths,
 * SSRF against a loopback listener, event and webhook bodies, and a secret
 * looked for in every response and log line.
 */
describe(`security sweep on ${database.id}`, () => {
  it('lets no injection escape, answers no 5xx or unclear refusal and never echoes the secret', async () => {
    const report = await runSecuritySuite({ knex: await database.init() });
    process.stdout.write(`${formatSecurityReport(report)}\n`);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({
      escaped: 0,
      serverErrors: 0,
      unclear: 0,
      secretsEchoed: 0,
    });
    expect(report.tried).toBeGreaterThan(700);
    expect(report.logLines).toBeGreaterThan(0);
  });
});
