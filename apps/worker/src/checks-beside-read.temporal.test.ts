// Schema-change detection runs beside the source's read, not before it (a discover is a whole
// connector start-up), and still nothing is written when it finds a breaking change: the real
// workflows and activities on a Temporal dev server, the fake connector as the source (its
// discover answers only once its read has printed everything), destination-postgres into a
// real PostgreSQL database.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { ConnectionEntity, ConnectionStateEntity } from '@tributary/db';
import { seedConnection } from '@tributary/testing/db';
import { declarativeSource, useDestinationDatabase } from '@tributary/testing/connectors';
import { fakeConnector } from '@tributary/testing/replication';
import { startHarness, type Harness } from '@tributary/testing/worker';

const destination = useDestinationDatabase('checks_beside_read');

describe('checks beside the read', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  /** users: {id, name} from the fake source; the connection's cursor is `cursor` */
  const usersCatalog = (properties: Record<string, unknown>, cursor: string, table: string): ConfiguredAirbyteCatalog => ({
    streams: [
      {
        stream: { name: table, json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh', 'incremental'] },
        sync_mode: 'incremental',
        cursor_field: [cursor],
        destination_sync_mode: 'append_dedup',
        primary_key: [['id']],
      },
    ],
  });

  async function seed(table: string, catalog: ConfiguredAirbyteCatalog, readDone: string) {
    return seedConnection(h.dataSource, h.secretKey, {
      source: {
        runtime: fakeConnector.runtime,
        // discover waits until the read has printed all its records (and fails if the read never starts)
        config: { streams: [{ name: table, records: 100 }], stateEvery: 25, statsFile: readDone, discoverAfterFile: readDone, discoverWaitMs: 15_000 },
      },
      destination: { runtime: { kind: 'builtin', name: 'destination-postgres' }, config: destination.config },
      catalog,
      nonBreakingChangesPolicy: 'ignore',
    });
  }

  const rowsIn = async (table: string): Promise<number | undefined> => {
    const exists = await destination.client.query(`SELECT to_regclass($1) AS t`, [`public.${table}`]);
    if (!exists.rows[0].t) return undefined;
    return Number((await destination.client.query(`SELECT count(*) AS n FROM public.${table}`)).rows[0].n);
  };

  it('discovers the source while it reads, and writes the records once the schema is found unchanged', async () => {
    const table = 'users_unchanged';
    const catalog = usersCatalog({ id: { type: 'integer' }, name: { type: 'string' } }, 'id', table);
    const { connectionId } = await seed(table, catalog, join(h.dir, `${table}-read-done.json`));
    const result = await h.runSyncJob(connectionId);
    expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
    expect(result.attempts[0]).toMatchObject({ recordsCommitted: 100 });
    expect(await rowsIn(table)).toBe(100);
    // the attempt's log says who set the pace (here: the destination, held back until the discover answered)
    const log = await readFile(join(h.dir, 'logs', connectionId, result.jobId, 'attempt-1.jsonl'), 'utf8');
    expect(log).toMatch(/pace: the source waited \d+\.\d s of \d+\.\d s for the destination \(\d+ pauses/);
    const stored = await h.dataSource.getRepository(ConnectionEntity).findOneByOrFail({ id: connectionId });
    expect(stored.status).toBe('active');
  });

  it('a breaking change found while the read runs writes no row and commits no state, and disables the connection', async () => {
    const table = 'users_breaking';
    // configured with a cursor the source no longer has: its records would land without one
    const catalog = usersCatalog({ id: { type: 'integer' }, name: { type: 'string' }, legacy_cursor: { type: 'string' } }, 'legacy_cursor', table);
    const { connectionId } = await seed(table, catalog, join(h.dir, `${table}-read-done.json`));
    const result = await h.runSyncJob(connectionId);
    expect(result.status).toBe('failed');
    expect(result.attempts).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ origin: 'source', type: 'config_error', message: expect.stringContaining('cursor field legacy_cursor') });
    // the read had emitted everything before the discover answered: none of it reached the destination
    expect(result.attempts[0]).toMatchObject({ recordsEmitted: 100, recordsCommitted: 0 });
    expect(await rowsIn(table)).toBeFalsy();
    expect(await h.dataSource.getRepository(ConnectionStateEntity).findOneBy({ connectionId })).toBeNull();
    const stored = await h.dataSource.getRepository(ConnectionEntity).findOneByOrFail({ id: connectionId });
    expect(stored.status).toBe('inactive');
    expect(stored.statusReason).toMatch(/breaking schema change/);
  });

  it('a real Python CDK source whose API renamed its cursor: the read and the discover race, and no row is written', async () => {
    // the API now calls updated_at "modified"; the manifest follows it, the connection does not
    const api: Server = createServer((_req, res) => {
      const data = [1, 2, 3].map((id) => ({ id, name: `customer ${id}`, modified: '2025-01-02T00:00:00Z' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const table = 'customers';
      const format = '%Y-%m-%dT%H:%M:%SZ';
      const source = declarativeSource({
        name: table,
        schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, modified: { type: 'string' } } },
        url: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
        path: '/customers',
        incrementalSync: {
          type: 'DatetimeBasedCursor',
          cursor_field: 'modified',
          datetime_format: format,
          start_datetime: { type: 'MinMaxDatetime', datetime: '2020-01-01T00:00:00Z', datetime_format: format },
        },
      });
      const { connectionId } = await seedConnection(h.dataSource, h.secretKey, {
        source,
        destination: { runtime: { kind: 'builtin', name: 'destination-postgres' }, config: destination.config },
        catalog: usersCatalog({ id: { type: 'integer' }, name: { type: 'string' }, updated_at: { type: 'string' } }, 'updated_at', table),
        nonBreakingChangesPolicy: 'propagate_fully',
      });
      const result = await h.runSyncJob(connectionId);
      expect(result.status).toBe('failed');
      expect(result.failures[0]).toMatchObject({ type: 'config_error', message: expect.stringContaining('cursor field updated_at') });
      expect(result.attempts[0]!.recordsCommitted).toBe(0);
      expect(await rowsIn(table)).toBeFalsy();
      expect(await h.dataSource.getRepository(ConnectionStateEntity).findOneBy({ connectionId })).toBeNull();
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  }, 300_000);
});
