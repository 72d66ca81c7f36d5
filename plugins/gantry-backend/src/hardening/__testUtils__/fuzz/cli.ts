/*
 * Fuzz suite at full size:
 *   yarn workspace @internal/plugin-gantry-backend reliability:fuzz --full
 * Options: --runs N (generated workflows; specs N/3, route bodies 3N),
 * --seed S. Without --full it runs at the CI size of fuzz.test.ts. Exits 1
 * on any crash, 5xx, unclear refusal or unlocated validation error.
 */
import { argument, startHardeningBackend } from '../harness';
import { formatFuzzReport, runFuzzSuite } from './fuzzSuite';
import { FUZZ_CI, FUZZ_FULL } from './sizes';

async function main() {
  const size = argument('full') !== undefined ? FUZZ_FULL : FUZZ_CI;
  const backend = await startHardeningBackend();
  const started = performance.now();
  const report = await runFuzzSuite(backend, {
    seed: Number(argument('seed') ?? size.seed),
    runs: Number(argument('runs') ?? size.runs),
    log: line => console.log(line),
  });
  console.log(
    `${formatFuzzReport(report)}\n  took ${(
      (performance.now() - started) /
      1000
    ).toFixed(0)} s`,
  );
  await backend.stop();
  const bad =
    report.crashes + report.serverErrors + report.unclear + report.unlocated;
  process.exit(bad ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
