import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a connection's or a connector definition's job pods may use in a cluster (Kubernetes quantities). */
export class ResourceRequirements1764800100000 implements MigrationInterface {
  name = 'ResourceRequirements1764800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connection" ADD "resource_requirements" jsonb`);
    await q.query(`ALTER TABLE "actor_definition" ADD "resource_requirements" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "actor_definition" DROP COLUMN "resource_requirements"`);
    await q.query(`ALTER TABLE "connection" DROP COLUMN "resource_requirements"`);
  }
}
