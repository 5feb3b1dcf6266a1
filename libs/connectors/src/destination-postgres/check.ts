/**
 * The `check` command: can we log in, and create a table in the configured schema?
 * Everything runs in a transaction that is rolled back, so check leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { ConnectorError, type AirbyteConnectionStatus } from '@tributary/protocol';
import { parseConfig, type PostgresDestinationConfig } from './config.js';
import { qualifiedName, quoteIdent } from './identifiers.js';
import { PostgresSession } from './session.js';
import { ensureSchema } from './ensure-schema.js';

const failed = (message: string): AirbyteConnectionStatus => ({ status: 'FAILED', message });

async function canCreateTable(session: PostgresSession, config: PostgresDestinationConfig): Promise<void> {
  const table = { schema: config.schema, name: `_airbyte_connection_test_${randomBytes(4).toString('hex')}` };
  await session.query('BEGIN');
  try {
    await ensureSchema(session, config.schema);
    await session.query(`CREATE TABLE ${qualifiedName(table)} (id bigint, data jsonb)`);
    await session.query(`INSERT INTO ${qualifiedName(table)} VALUES (1, '{}')`);
  } finally {
    await session.query('ROLLBACK').catch(() => undefined);
  }
}

export async function checkPostgres(raw: Record<string, unknown>): Promise<AirbyteConnectionStatus> {
  let config: PostgresDestinationConfig;
  try {
    config = parseConfig(raw);
  } catch (err) {
    return failed((err as Error).message);
  }
  let session: PostgresSession;
  try {
    session = await PostgresSession.connect(config);
  } catch (err) {
    return failed((err as Error).message);
  }
  try {
    await canCreateTable(session, config);
    return { status: 'SUCCEEDED' };
  } catch (err) {
    const message = err instanceof ConnectorError ? err.message : String(err);
    return failed(`connected, but cannot create tables in schema ${quoteIdent(config.schema)}: ${message}`);
  } finally {
    await session.close();
  }
}
