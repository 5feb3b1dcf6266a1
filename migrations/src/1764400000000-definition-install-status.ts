import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PyPI and npm connectors are installed in the background (on a worker, by running `spec`):
 * each definition says where its current version stands. `pending` until an install starts,
 * `installing` (since install_started_at), `ready` (its spec is cached), `failed` with pip's or
 * npm's reason in install_error. Connectors with nothing to install (builtin, command, image)
 * and versions whose spec is cached already are `ready`.
 */
export class DefinitionInstallStatus1764400000000 implements MigrationInterface {
  name = 'DefinitionInstallStatus1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "actor_definition" ADD "install_status" text NOT NULL DEFAULT 'pending', ADD "install_error" text, ADD "install_started_at" TIMESTAMP WITH TIME ZONE`,
    );
    await q.query(`UPDATE "actor_definition" SET "install_status" = 'ready' WHERE "spec" IS NOT NULL OR "runtime"->>'kind' NOT IN ('pypi', 'npm')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "actor_definition" DROP COLUMN "install_started_at", DROP COLUMN "install_error", DROP COLUMN "install_status"`);
  }
}
