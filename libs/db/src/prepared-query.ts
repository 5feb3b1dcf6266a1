import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

const names = new Map<string, string>();

/** one name per distinct SQL text: Postgres refuses a name reused for another statement */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `tributary_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs a read as a named prepared statement: each pooled connection parses and plans it
 * once, not on every call as DataSource.query does (the planning of a small query can cost
 * more than running it). For hot read paths with a fixed set of SQL texts; rows as pg
 * returns them. It runs on a query runner of the DataSource, as DataSource.query does, so
 * that destroy() still ends it (see closeWhenIdle).
 */
export async function preparedQuery<Row>(dataSource: DataSource, text: string, values: unknown[]): Promise<Row[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    const result = await client.query({ name: statementName(text), text, values });
    return result.rows as Row[];
  } finally {
    await runner.release();
  }
}
