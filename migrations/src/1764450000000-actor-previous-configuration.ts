import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A connector may replace its own configuration during a sync (CONTROL CONNECTOR_CONFIG: how
 * sources rotate OAuth refresh tokens). The configuration it replaced is kept here (secrets
 * encrypted, as in `configuration`), with when that happened, so a bad rotation can be undone.
 */
export class ActorPreviousConfiguration1764450000000 implements MigrationInterface {
  name = 'ActorPreviousConfiguration1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "actor" ADD "previous_configuration" jsonb, ADD "configuration_updated_by_connector_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "actor" DROP COLUMN "configuration_updated_by_connector_at", DROP COLUMN "previous_configuration"`);
  }
}
