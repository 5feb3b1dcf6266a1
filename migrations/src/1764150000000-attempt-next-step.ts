import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What happened after a failed attempt, in words: "retried in 10 s: transient error from the
 * source (stream customers): HTTP 500" or "not retried: config error ...". Null for attempts
 * that did not fail, and for attempts recorded before this column.
 */
export class AttemptNextStep1764150000000 implements MigrationInterface {
  name = 'AttemptNextStep1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attempt" ADD "next_step" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attempt" DROP COLUMN "next_step"`);
  }
}
