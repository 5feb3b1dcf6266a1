import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications: a workspace's channels (a signed CloudEvents webhook or a Slack incoming
 * webhook, each subscribed to some events) and the outbox of deliveries, written in the same
 * transaction as the job result or schema change they tell of and sent by the server.
 */
export class Notifications1764700000000 implements MigrationInterface {
  name = 'Notifications1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "notification_channel" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "url" text NOT NULL, "events" text array NOT NULL, "secret" jsonb, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_notification_channel" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_notification_channel_workspace" ON "notification_channel" ("workspace_id", "created_at")`);
    await q.query(
      `CREATE TABLE "notification_delivery" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel_id" uuid NOT NULL, "event_type" text NOT NULL, "event" jsonb NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_status_code" integer, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_notification_delivery" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_notification_delivery_channel" ON "notification_delivery" ("channel_id", "created_at")`);
    await q.query(`CREATE INDEX "ix_notification_delivery_due" ON "notification_delivery" ("status", "next_attempt_at")`);
    await q.query(
      `ALTER TABLE "notification_channel" ADD CONSTRAINT "fk_notification_channel_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "notification_delivery" ADD CONSTRAINT "fk_notification_delivery_channel" FOREIGN KEY ("channel_id") REFERENCES "notification_channel"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "notification_delivery"`);
    await q.query(`DROP TABLE "notification_channel"`);
  }
}
