import { formatReport, runLoadSuite } from './__testUtils__/load/loadSuite';
import { CI_SIZE } from './__testUtils__/load/sizes';

jest.setTimeout(240_000);

/**
 * The load suite at CI size (full size: `reliability:load --full`, figures
 * in docs/reliability.md). The backend runs on SQLite in its own process; the
 * PostgreSQL pass of .ci/run does not repeat it.
 */
const describeOnSqlite = process.env
  .BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
  ? describe.skip
  : describe;

describeOnSqlite('load suite (CI size)', () => {
  it('serves run creation, paginated run listing and event ingest under stepped concurrency with no failed request', async () => {
    const report = await runLoadSuite(CI_SIZE);
    // the figures, for the CI log
    process.stdout.write(`${formatReport(report)}\n`);
    expect(report.runs).toBe(CI_SIZE.runs);
    expect(report.workflows).toBe(CI_SIZE.workflows);
    for (const row of report.rows) {
      expect({ ...row, requests: row.requests > 0 }).toMatchObject({
        non2xx: 0,
        errors: 0,
        requests: true,
      });
    }
  });
});
