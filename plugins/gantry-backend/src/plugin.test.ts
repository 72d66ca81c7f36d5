import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { gantryPlugin } from './plugin';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// SQLite always; PostgreSQL 15 when .ci/run provides a real server through
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
const ids: TestDatabaseId[] = ['SQLITE_3'];
if (process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) {
  ids.push('POSTGRES_15');
}
const databases = TestDatabases.create({ ids });

describe('gantry backend plugin', () => {
  it.each(databases.eachSupportedId())(
    'runs its migrations at start and reports them on /health, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gantryPlugin,
          catalogServiceMock.factory(),
          mockServices.database.factory({ knex }),
        ],
      });

      const res = await request(server).get('/api/gantry/health');

      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.database.client).toBe(
        databaseId === 'SQLITE_3' ? 'better-sqlite3' : 'pg',
      );
      expect(res.body.database.migrations.applied).toContain(
        '20261123000000_audit_events.js',
      );
      expect(res.body.database.migrations.pending).toEqual([]);
      // the migration really created the audit table
      expect(await knex.schema.hasTable('audit_events')).toBe(true);
    },
  );
});
