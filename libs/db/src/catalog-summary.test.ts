import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { createDataSource } from './data-source.js';
import { ConnectionEntity } from './entities/index.js';
import { preparedQuery } from './prepared-query.js';
import { createMigratedDatabase, seedConnection, type MigratedDatabase } from '@tributary/testing/db';

const stream = (name: string, properties: Record<string, unknown>) => ({
  stream: { name, json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh' as const, 'incremental' as const] },
  sync_mode: 'full_refresh' as const,
  destination_sync_mode: 'overwrite' as const,
  primary_key: [['id']],
});

const withoutSchemas = (catalog: ConfiguredAirbyteCatalog) => ({
  streams: catalog.streams.map(({ stream: { json_schema: _schema, ...rest }, ...configured }) => ({ ...configured, stream: rest })),
});

const runtime = { kind: 'builtin' as const, name: 'source-sample' };

describe('connection.catalog_summary (the read path selects it instead of the catalog)', () => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await createMigratedDatabase('catalog-summary');
  });
  afterAll(() => database?.close());

  const summaryOf = async (id: string) =>
    (await database.dataSource.query(`SELECT catalog_summary FROM connection WHERE id = $1`, [id]))[0].catalog_summary as unknown;

  it('is the configured catalog without JSON schemas, in stream order, whoever writes the catalog', async () => {
    const catalog = {
      streams: [stream('users', { id: { type: 'integer' }, email: { type: 'string' } }), stream('products', { id: { type: 'integer' } })],
    };
    const { connectionId } = await seedConnection(database.dataSource, randomBytes(32), {
      source: { runtime, config: {} },
      destination: { runtime, config: {} },
      catalog,
    });
    expect(await summaryOf(connectionId)).toEqual(withoutSchemas(catalog));

    // through the ORM, as the API and schema-change handling write it
    const repo = database.dataSource.getRepository(ConnectionEntity);
    const connection = await repo.findOneByOrFail({ id: connectionId });
    connection.configuredCatalog = { streams: [stream('purchases', { id: { type: 'integer' } }), ...catalog.streams] };
    await repo.save(connection);
    expect(await summaryOf(connectionId)).toEqual(withoutSchemas(connection.configuredCatalog));

    // by plain SQL, as job creation bumps generations
    const bumped = { streams: connection.configuredCatalog.streams.map((s) => ({ ...s, generation_id: 7 })) };
    await database.dataSource.query(`UPDATE connection SET configured_catalog = $2::jsonb WHERE id = $1`, [
      connectionId,
      JSON.stringify(bumped),
    ]);
    expect(await summaryOf(connectionId)).toEqual(withoutSchemas(bumped));

    // an update of other columns keeps it
    await database.dataSource.query(`UPDATE connection SET name = 'renamed' WHERE id = $1`, [connectionId]);
    expect(await summaryOf(connectionId)).toEqual(withoutSchemas(bumped));
    // never loaded with the entity: the ORM neither reads nor writes it
    expect((await repo.findOneByOrFail({ id: connectionId })).catalogSummary).toBeUndefined();
  });

  it('an empty catalog summarises to no streams', async () => {
    const { connectionId } = await seedConnection(database.dataSource, randomBytes(32), {
      source: { runtime, config: {} },
      destination: { runtime, config: {} },
      catalog: { streams: [] },
    });
    expect(await summaryOf(connectionId)).toEqual({ streams: [] });
  });
});

describe('preparedQuery', () => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await createMigratedDatabase('prepared-query');
  });
  afterAll(() => database?.close());

  it('prepares each text once per connection, under its own name, and reuses it', async () => {
    const single = await createDataSource({ url: database.db.url, poolSize: 1 }).initialize();
    try {
      const texts = ['SELECT $1::int + 1 AS n', 'SELECT $1::int * 10 AS n'];
      for (let i = 0; i < 6; i++)
        expect((await preparedQuery<{ n: number }>(single, texts[i % 2]!, [i]))[0]!.n).toBe(i % 2 === 0 ? i + 1 : i * 10);
      const prepared = await preparedQuery<{ statement: string; name: string }>(
        single,
        'SELECT name, statement FROM pg_prepared_statements',
        [],
      );
      const named = prepared.filter((p) => texts.includes(p.statement));
      expect(named.map((p) => p.statement).sort()).toEqual([...texts].sort());
      expect(new Set(named.map((p) => p.name)).size).toBe(2);
    } finally {
      await single.destroy();
    }
  });

  it('gives every caller its own rows when many run at once on the pool', async () => {
    const texts = ['SELECT $1::int + 1 AS n', 'SELECT $1::int * 10 AS n'];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => preparedQuery<{ n: number }>(database.dataSource, texts[i % 2]!, [i])),
    );
    expect(results.map((rows) => rows[0]!.n)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? i + 1 : i * 10)));
  });

  it('passes errors on as pg raises them', async () => {
    await expect(preparedQuery(database.dataSource, 'SELECT $1::int AS n', ['not a number'])).rejects.toThrow(
      /invalid input syntax for type integer/,
    );
  });
});
