/** CI size: about a minute in .ci/run (jest: load.test.ts). */
export const CI_SIZE = {
  workflows: 1_000,
  runs: 10_000,
  seconds: 3,
  concurrency: [1, 8, 32],
};

/** Full size: the figures of docs/reliability.md. */
export const FULL_SIZE = {
  workflows: 10_000,
  runs: 100_000,
  seconds: 15,
  concurrency: [1, 4, 16, 64, 128, 256],
};
