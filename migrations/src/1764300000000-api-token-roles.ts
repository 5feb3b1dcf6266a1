import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API tokens get a role and a workspace scope (the roles of app_user: `instance_admin` with
 * workspace_id NULL, or a workspace role with its workspace_id).
 *
 * Tokens that exist before this migration become instance admins: until now every token could
 * do everything, so an existing install keeps working as it did (its first admin token, CI
 * tokens). Operators narrow them by minting scoped tokens and revoking the old ones.
 */
export class ApiTokenRoles1764300000000 implements MigrationInterface {
  name = 'ApiTokenRoles1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_token" ADD "role" text NOT NULL DEFAULT 'instance_admin'`);
    // new rows name their role: no default from here on
    await q.query(`ALTER TABLE "api_token" ALTER COLUMN "role" DROP DEFAULT`);
    await q.query(`ALTER TABLE "api_token" ADD "workspace_id" uuid`);
    await q.query(
      `ALTER TABLE "api_token" ADD CONSTRAINT "fk_api_token_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_token" DROP CONSTRAINT "fk_api_token_workspace"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "workspace_id"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "role"`);
  }
}
