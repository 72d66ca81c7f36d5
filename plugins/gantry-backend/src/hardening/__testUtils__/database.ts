import { testDatabases } from '../../engine/__testUtils__/testEngine';

/**
 * The database the fuzz and security suites run on in jest: SQLite in the
 * README's test command, PostgreSQL in the PostgreSQL pass of .ci/run (so
 * each database is covered once, not twice).
 */
export function hardeningDatabase() {
  const databases = testDatabases();
  const ids = databases.eachSupportedId().map(([id]) => id);
  const id = ids[ids.length - 1];
  return { id, init: () => databases.init(id) };
}
