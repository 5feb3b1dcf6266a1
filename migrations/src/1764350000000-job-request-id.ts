import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The id of the request that created a job (the connection workflow makes one per job it
 * starts): createJob retried after its first try committed answers with that job instead of
 * finding it "already running". Null for jobs created before this column and outside workflows.
 */
export class JobRequestId1764350000000 implements MigrationInterface {
  name = 'JobRequestId1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "job" ADD "request_id" uuid`);
    await q.query(`CREATE UNIQUE INDEX "uq_job_request_id" ON "job" ("request_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "uq_job_request_id"`);
    await q.query(`ALTER TABLE "job" DROP COLUMN "request_id"`);
  }
}
