import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People who sign in to the web UI, and their sessions. A user has one role: `instance_admin`
 * (workspace_id NULL) or a workspace role (`workspace_admin` / `workspace_editor` /
 * `workspace_viewer`, with its workspace_id), the roles of the security issue. Passwords are
 * stored as scrypt hashes; sessions as the SHA-256 of their random token, with an expiry.
 */
export class UsersAndSessions1764200000000 implements MigrationInterface {
  name = 'UsersAndSessions1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "app_user" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" text NOT NULL,
        "name" text NOT NULL,
        "password_hash" text NOT NULL,
        "role" text NOT NULL,
        "workspace_id" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "disabled_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_app_user" PRIMARY KEY ("id"),
        CONSTRAINT "fk_app_user_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_app_user_email" ON "app_user" ("email")`);

    await q.query(`
      CREATE TABLE "user_session" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_user_session" PRIMARY KEY ("id"),
        CONSTRAINT "fk_user_session_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_user_session_token_hash" ON "user_session" ("token_hash")`);
    await q.query(`CREATE INDEX "idx_user_session_user" ON "user_session" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "user_session"`);
    await q.query(`DROP TABLE "app_user"`);
  }
}
