import type { DataSource } from 'typeorm';

/**
 * The SQL TypeORM would run to make the database match the entities: empty when the
 * migrations and the entities agree. Anything else is drift (an entity changed
 * without a migration, or a migration without the entity).
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}
