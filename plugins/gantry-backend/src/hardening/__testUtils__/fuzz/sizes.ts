/** CI size (fuzz.test.ts): about a minute. */
export const FUZZ_CI = { seed: 20261201, runs: 150 };
/** Full size: the figures of docs/reliability.md. */
export const FUZZ_FULL = { seed: 20261201, runs: 2000 };
