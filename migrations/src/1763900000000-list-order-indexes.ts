import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists are paged in creation order: without these indexes every page sorts the whole table
 * (and reads every row's jsonb), which made listing 1,000 connections CPU-bound in Postgres.
 */
export class ListOrderIndexes1763900000000 implements MigrationInterface {
  name = 'ListOrderIndexes1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_connection_created" ON "connection" ("created_at", "id")`);
    await q.query(`CREATE INDEX "idx_actor_created" ON "actor" ("created_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_actor_created"`);
    await q.query(`DROP INDEX "idx_connection_created"`);
  }
}
