import 'reflect-metadata';
import { DataSource, type MigrationInterface } from 'typeorm';
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
