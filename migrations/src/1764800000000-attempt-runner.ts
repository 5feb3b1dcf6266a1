import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a replication pod reports through the Config API: the SHA-256 of its per-attempt
 * credential, its outcome (read by the worker once the pod ended), and the attempt's last
 * live progress (the worker's heartbeats while a pod runs).
 */
export class AttemptRunner1764800000000 implements MigrationInterface {
  name = 'AttemptRunner1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attempt" ADD "runner_token_hash" text`);
    await q.query(`ALTER TABLE "attempt" ADD "runner_outcome" jsonb`);
    await q.query(`ALTER TABLE "attempt" ADD "progress" jsonb`);
    await q.query(`CREATE UNIQUE INDEX "uq_attempt_runner_token_hash" ON "attempt" ("runner_token_hash")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "uq_attempt_runner_token_hash"`);
    await q.query(`ALTER TABLE "attempt" DROP COLUMN "progress"`);
    await q.query(`ALTER TABLE "attempt" DROP COLUMN "runner_outcome"`);
    await q.query(`ALTER TABLE "attempt" DROP COLUMN "runner_token_hash"`);
  }
}
