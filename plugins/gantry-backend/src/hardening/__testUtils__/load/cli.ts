/*
 * Load suite at full size:
 *   yarn workspace @internal/plugin-gantry-backend reliability:load --full
 * Options: --workflows N --runs N --seconds S --concurrency 1,4,16
 * Without --full it runs at the CI size of load.test.ts. Exits 1 when any
 * response was not the expected 2xx or a request failed.
 */
import { argument } from '../harness';
import { formatReport, runLoadSuite } from './loadSuite';
import { CI_SIZE, FULL_SIZE } from './sizes';

async function main() {
  const size = argument('full') !== undefined ? FULL_SIZE : CI_SIZE;
  const report = await runLoadSuite({
    workflows: Number(argument('workflows') ?? size.workflows),
    runs: Number(argument('runs') ?? size.runs),
    seconds: Number(argument('seconds') ?? size.seconds),
    concurrency: (argument('concurrency') ?? size.concurrency.join(','))
      .split(',')
      .map(Number),
    log: line => console.log(line),
  });
  console.log(`\n${formatReport(report)}`);
  const bad = report.rows.some(r => r.non2xx || r.errors);
  process.exit(bad ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
