import type { PostgresSession } from './session.js';
import { SCHEMA_EXISTS_SQL, createSchemaSql } from './sql.js';

/**
 * Creates the schema unless it exists. Checked first because CREATE SCHEMA IF NOT EXISTS
 * needs the CREATE privilege on the database even when the schema is already there.
 */
export async function ensureSchema(session: PostgresSession, schema: string): Promise<void> {
  const exists = await session.query(SCHEMA_EXISTS_SQL, [schema]);
  if (exists.rowCount === 0) await session.query(createSchemaSql(schema));
}
