import type { MigrationInterface, QueryRunner } from 'typeorm';

/** URLs that start a sync of their connection when POSTed to (event-triggered syncs); tokens stored as SHA-256 hashes. */
export class ConnectionTriggers1764750000000 implements MigrationInterface {
  name = 'ConnectionTriggers1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "connection_trigger" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "connection_id" uuid NOT NULL, "name" text NOT NULL, "token_hash" text NOT NULL, "prefix" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_fired_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_connection_trigger" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_connection_trigger_token_hash" ON "connection_trigger" ("token_hash")`);
    await q.query(`CREATE INDEX "ix_connection_trigger_connection" ON "connection_trigger" ("connection_id", "created_at")`);
    await q.query(
      `ALTER TABLE "connection_trigger" ADD CONSTRAINT "fk_connection_trigger_connection" FOREIGN KEY ("connection_id") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "connection_trigger"`);
  }
}
