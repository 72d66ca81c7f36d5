import { hardeningDatabase } from './__testUtils__/database';
import {
  HardeningBackend,
  startHardeningBackend,
} from './__testUtils__/harness';
import { formatFuzzReport, runFuzzSuite } from './__testUtils__/fuzz/fuzzSuite';
import { FUZZ_CI } from './__testUtils__/fuzz/sizes';

jest.setTimeout(300_000);

const database = hardeningDatabase();

/**
 * The fuzz suite at CI size (full size: `reliability:fuzz --full`, figures
 * in docs/reliability.md): generated and mutated workflows of all three DSL
 * forms, Score specs and bodies for every mutating route.
 */
describe(`fuzzing on ${database.id}`, () => {
  let backend: HardeningBackend;
  beforeAll(async () => {
    backend = await startHardeningBackend({ knex: await database.init() });
  });
  afterAll(() => backend?.stop());

  it('answers every generated input with a success or a clear refusal: no crash, no 5xx, no stack trace', async () => {
    const report = await runFuzzSuite(backend, FUZZ_CI);
    process.stdout.write(`${formatFuzzReport(report)}\n`);
    expect(report.problems).toEqual([]);
    expect(report.requests).toBeGreaterThan(FUZZ_CI.runs * 4);
    // the inputs reach past validation too: some runs and deployments start
    expect(report.byStatus[201]).toBeGreaterThan(0);
    expect(report.byStatus[202]).toBeGreaterThan(0);
  });
});
