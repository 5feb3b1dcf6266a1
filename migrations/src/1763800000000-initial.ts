import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Workspaces, API tokens, connector definitions, actors and their catalogs, connections, jobs, attempts, state, metadata. */
export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "workspace" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_workspace" PRIMARY KEY ("id")
      )`);

    await q.query(`
      CREATE TABLE "api_token" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "token_hash" text NOT NULL,
        "prefix" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_api_token" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash")`);

    await q.query(`
      CREATE TABLE "actor_definition" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "actor_type" text NOT NULL,
        "name" text NOT NULL,
        "runtime" jsonb NOT NULL,
        "image" text,
        "version" text NOT NULL,
        "default_version" text,
        "documentation_url" text,
        "spec" jsonb,
        "custom" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "uq_actor_definition_type_name" UNIQUE ("actor_type", "name"),
        CONSTRAINT "pk_actor_definition" PRIMARY KEY ("id")
      )`);

    await q.query(`
      CREATE TABLE "actor" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "workspace_id" uuid NOT NULL,
        "actor_definition_id" uuid NOT NULL,
        "actor_type" text NOT NULL,
        "name" text NOT NULL,
        "configuration" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_actor" PRIMARY KEY ("id"),
        CONSTRAINT "fk_actor_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_actor_definition" FOREIGN KEY ("actor_definition_id") REFERENCES "actor_definition"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "idx_actor_workspace" ON "actor" ("workspace_id")`);

    await q.query(`
      CREATE TABLE "actor_catalog" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "actor_id" uuid NOT NULL,
        "catalog" jsonb NOT NULL,
        "catalog_hash" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_actor_catalog" PRIMARY KEY ("id"),
        CONSTRAINT "fk_actor_catalog_actor" FOREIGN KEY ("actor_id") REFERENCES "actor"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "idx_actor_catalog_actor_created" ON "actor_catalog" ("actor_id", "created_at")`);

    await q.query(`
      CREATE TABLE "connection" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "source_id" uuid NOT NULL,
        "destination_id" uuid NOT NULL,
        "configured_catalog" jsonb NOT NULL,
        "source_catalog_id" uuid,
        "schedule" jsonb NOT NULL,
        "status" text NOT NULL DEFAULT 'active',
        "status_reason" text,
        "namespace_definition" text NOT NULL DEFAULT 'destination',
        "namespace_format" text,
        "prefix" text NOT NULL DEFAULT '',
        "non_breaking_changes_policy" text NOT NULL DEFAULT 'ignore',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_connection" PRIMARY KEY ("id"),
        CONSTRAINT "fk_connection_source" FOREIGN KEY ("source_id") REFERENCES "actor"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_connection_destination" FOREIGN KEY ("destination_id") REFERENCES "actor"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_connection_source_catalog" FOREIGN KEY ("source_catalog_id") REFERENCES "actor_catalog"("id") ON DELETE SET NULL ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "idx_connection_source" ON "connection" ("source_id")`);
    await q.query(`CREATE INDEX "idx_connection_destination" ON "connection" ("destination_id")`);

    await q.query(`
      CREATE TABLE "job" (
        "id" BIGSERIAL NOT NULL,
        "connection_id" uuid NOT NULL,
        "job_type" text NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "streams" jsonb,
        "config_snapshot" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_job" PRIMARY KEY ("id"),
        CONSTRAINT "fk_job_connection" FOREIGN KEY ("connection_id") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "idx_job_status" ON "job" ("status")`);
    await q.query(`CREATE INDEX "idx_job_connection_created" ON "job" ("connection_id", "created_at")`);
    // one running job per connection, enforced by the database so racing triggers cannot both start
    await q.query(
      `CREATE UNIQUE INDEX "uq_job_one_active_per_connection" ON "job" ("connection_id") WHERE status IN ('pending', 'running', 'incomplete')`,
    );

    await q.query(`
      CREATE TABLE "attempt" (
        "id" BIGSERIAL NOT NULL,
        "job_id" bigint NOT NULL,
        "attempt_number" integer NOT NULL,
        "status" text NOT NULL DEFAULT 'running',
        "stats" jsonb,
        "failure_reasons" jsonb NOT NULL DEFAULT '[]',
        "log_path" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "ended_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "uq_attempt_job_number" UNIQUE ("job_id", "attempt_number"),
        CONSTRAINT "pk_attempt" PRIMARY KEY ("id"),
        CONSTRAINT "fk_attempt_job" FOREIGN KEY ("job_id") REFERENCES "job"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);

    await q.query(`
      CREATE TABLE "connection_state" (
        "connection_id" uuid NOT NULL,
        "state_type" text NOT NULL,
        "state" jsonb NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_connection_state" PRIMARY KEY ("connection_id"),
        CONSTRAINT "fk_connection_state_connection" FOREIGN KEY ("connection_id") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);

    await q.query(`
      CREATE TABLE "platform_metadata" (
        "key" text NOT NULL,
        "value" text NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_platform_metadata" PRIMARY KEY ("key")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['platform_metadata', 'connection_state', 'attempt', 'job', 'connection', 'actor_catalog', 'actor', 'actor_definition', 'api_token', 'workspace']) {
      await q.query(`DROP TABLE "${table}"`);
    }
  }
}
