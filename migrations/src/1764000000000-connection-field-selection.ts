import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Field selection: per stream, the top-level fields a connection syncs (Airbyte's selected
 * fields), e.g. `[{"stream":{"name":"users"},"fields":["id","email"]}]`. Kept beside the
 * configured catalog, never in it: connectors receive the catalog and must not see it.
 */
export class ConnectionFieldSelection1764000000000 implements MigrationInterface {
  name = 'ConnectionFieldSelection1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connection" ADD "field_selection" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connection" DROP COLUMN "field_selection"`);
  }
}
