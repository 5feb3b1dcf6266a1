import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * connection.catalog_summary: the configured catalog without its streams' JSON schemas, kept
 * up to date by a trigger whatever writes the catalog (the API, the worker's schema-change
 * handling, job creation). The schemas are most of a catalog's bytes and no API response
 * shows them, so reads of connections (list, get) select this instead of stripping every
 * catalog on every request.
 */
export class ConnectionCatalogSummary1764100000000 implements MigrationInterface {
  name = 'ConnectionCatalogSummary1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION connection_catalog_summary(catalog jsonb) RETURNS jsonb
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT jsonb_build_object('streams', COALESCE((
          SELECT jsonb_agg((st - 'stream') || jsonb_build_object('stream', (st -> 'stream') - 'json_schema') ORDER BY ord)
          FROM jsonb_array_elements(catalog -> 'streams') WITH ORDINALITY AS t(st, ord)), '[]'::jsonb))
      $$`);
    await q.query(`
      CREATE FUNCTION connection_set_catalog_summary() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        NEW.catalog_summary := connection_catalog_summary(NEW.configured_catalog);
        RETURN NEW;
      END
      $$`);
    await q.query(`ALTER TABLE "connection" ADD "catalog_summary" jsonb`);
    await q.query(`UPDATE "connection" SET "catalog_summary" = connection_catalog_summary("configured_catalog")`);
    await q.query(`ALTER TABLE "connection" ALTER COLUMN "catalog_summary" SET NOT NULL`);
    await q.query(`
      CREATE TRIGGER connection_catalog_summary BEFORE INSERT OR UPDATE OF configured_catalog ON "connection"
      FOR EACH ROW EXECUTE FUNCTION connection_set_catalog_summary()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER connection_catalog_summary ON "connection"`);
    await q.query(`ALTER TABLE "connection" DROP COLUMN "catalog_summary"`);
    await q.query(`DROP FUNCTION connection_set_catalog_summary()`);
    await q.query(`DROP FUNCTION connection_catalog_summary(jsonb)`);
  }
}
