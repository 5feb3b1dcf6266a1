import 'reflect-metadata';
import type { Pool } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { migrations as allMigrations } from '@tributary/migrations';
import { entities } from './entities/index.js';

export interface DataSourceOptions {
  /** postgres:// URL */
  url: string;
  /** shows in pg_stat_activity, e.g. `tributary-server` */
  applicationName?: string;
  poolSize?: number;
  /** log every SQL statement (debugging only) */
  logging?: boolean;
  /** override the migrations to run; the drift test passes none to see the raw entity schema */
  migrations?: (new () => MigrationInterface)[];
}

export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * The one way to talk to the database. Never synchronizes: the schema comes from
 * migrations/ only, run by the bootloader.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    applicationName: options.applicationName ?? 'tributary',
    poolSize: options.poolSize ?? 10,
    entities,
    migrations: options.migrations ?? allMigrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: options.logging ?? false,
    // gen_random_uuid() is built into Postgres 13+ (and PGlite); no extension to install
    uuidExtension: 'pgcrypto',
    installExtensions: false,
  });
}

/**
 * Closes the DataSource once the queries running on it have finished, or after graceMs
 * when they have not (destroy() then ends them). A server stopping with requests still in
 * flight (their clients may be gone already, so the HTTP server does not wait for them)
 * must not cut their queries off: DataSource.destroy() alone ends busy connections mid-query.
 */
export async function closeWhenIdle(dataSource: DataSource, graceMs = 10_000): Promise<void> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool | undefined;
  const deadline = Date.now() + graceMs;
  while (pool && (pool.totalCount > pool.idleCount || pool.waitingCount > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await dataSource.destroy();
}
