/** State of the Gantry database migrations, as reported by the health route. */
export interface GantryMigrationState {
  /** Migration files that have been applied, oldest first. */
  applied: string[];
  /** Migration files known to the backend but not yet applied. */
  pending: string[];
}

/** Body of `GET /api/gantry/health`. */
export interface GantryHealthResponse {
  status: 'ok';
  /** Knex client of the plugin's database, e.g. `better-sqlite3` or `pg`. */
  database: { client: string; migrations: GantryMigrationState };
}
