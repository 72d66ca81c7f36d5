/*
 * Security sweep:
 *   yarn workspace @internal/plugin-gantry-backend reliability:security
 * The corpus is fixed, so CI (security.test.ts) and this command run the
 * same size. Exits 1 when an injection escaped, a request got a 5xx or an
 * unclear refusal, or the secret appeared in a response or a log line.
 */
import { formatSecurityReport, runSecuritySuite } from './securitySuite';

async function main() {
  const started = performance.now();
  const report = await runSecuritySuite({ log: line => console.log(line) });
  console.log(
    `${formatSecurityReport(report)}\n  took ${(
      (performance.now() - started) /
      1000
    ).toFixed(0)} s`,
  );
  const bad =
    report.escaped +
    report.serverErrors +
    report.unclear +
    report.secretsEchoed;
  process.exit(bad ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
