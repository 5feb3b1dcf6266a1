// Full refresh streams start each job from scratch, and an overwrite stream's staging table is
// resumed only when committed state covers it. A Python CDK source keeps a paginated full
// refresh stream's state only between the attempts of one job ("the platform is responsible for
// removing said state"); passed to the next job, its final state makes the stream read nothing.
// A staging table that a failed attempt filled, but no committed state of its stream covers, must
// not be continued: the stream is read again from the start and every row would land twice.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteStream } from '@tributary/protocol';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { seedConnection } from '@tributary/testing/db';
import { declarativeSource } from '@tributary/testing/connectors';
import { fakeConnector } from '@tributary/testing/replication';
import { startHarness, type Harness } from '@tributary/testing/worker';

const destinationPostgres = { runtime: { kind: 'builtin', name: 'destination-postgres' } } as const;
const idAndName = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };
const overwrite = (name: string): ConfiguredAirbyteStream => ({
  stream: { name, json_schema: idAndName, supported_sync_modes: ['full_refresh'] },
  sync_mode: 'full_refresh',
  destination_sync_mode: 'overwrite',
});

describe('full refresh streams across attempts and jobs, into destination-postgres', () => {
  let h: Harness;
  let target: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    h = await startHarness();
    target = await createTestDatabase('full_refresh_target');
    client = new pg.Client({ connectionString: target.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await target?.drop();
    await h?.stop();
  });
  const destinationConfig = (schema: string) => ({ ...target.connection, schema, ssl_mode: { mode: 'disable' } });
  const ids = async (table: string) =>
    (await client.query<{ id: number }>(`SELECT id::int AS id FROM ${table} ORDER BY id`)).rows.map((r) => r.id);

  it('does not continue a staging table that no committed state of its stream covers', async () => {
    // attempt 1: users 1..3 (no state of users yet), orders 1..4 and a state of orders; both
    // streams' rows are committed together with that state, then the source fails
    const { connectionId } = await seedConnection(h.dataSource, h.secretKey, {
      source: {
        ...fakeConnector,
        config: {
          streams: [
            { name: 'users', records: 3 },
            { name: 'orders', records: 6 },
          ],
          stateEvery: 4,
          failAfter: 8,
          failOnceFile: join(h.dir, 'staging-failed-once'),
          traceError: { message: 'the API went away', failure_type: 'transient_error' },
        },
      },
      destination: { ...destinationPostgres, config: destinationConfig('staging') },
      catalog: { streams: [overwrite('users'), overwrite('orders')] },
    });
    const result = await h.runSyncJob(connectionId, { retryPolicy: { backoffInitialMs: 1000 } });
    expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
    expect(result.attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    // users was read again from the start into a fresh staging table; orders went on from its state
    expect(await ids('staging.users')).toEqual([1, 2, 3]);
    expect(await ids('staging.orders')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a paginated CDK stream again in the next job (airbyte-source-declarative-manifest)', async () => {
    // two pages of customers; the CDK's state ends at {"__ab_full_refresh_sync_complete": true}
    const api: Server = createServer((req, res) => {
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
      const data = page <= 2 ? [1, 2].map((i) => ({ id: (page - 1) * 2 + i, name: `customer ${(page - 1) * 2 + i}` })) : [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const { connectionId } = await seedConnection(h.dataSource, h.secretKey, {
        source: declarativeSource({
          name: 'customers',
          schema: idAndName,
          url: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
          path: '/customers',
          retriever: {
            paginator: {
              type: 'DefaultPaginator',
              page_token_option: { type: 'RequestOption', inject_into: 'request_parameter', field_name: 'page' },
              pagination_strategy: { type: 'PageIncrement', start_from_page: 1, page_size: 2 },
            },
          },
        }),
        destination: { ...destinationPostgres, config: destinationConfig('paginated') },
        catalog: { streams: [overwrite('customers')] },
      });
      const first = await h.runSyncJob(connectionId);
      expect(first.status, JSON.stringify(first.failures)).toBe('succeeded');
      expect(await ids('paginated.customers')).toEqual([1, 2, 3, 4]);
      const second = await h.runSyncJob(connectionId);
      expect(second.status, JSON.stringify(second.failures)).toBe('succeeded');
      expect(second.attempts[0]).toMatchObject({ recordsCommitted: 4 });
      expect(await ids('paginated.customers')).toEqual([1, 2, 3, 4]);
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  }, 600_000);
});
