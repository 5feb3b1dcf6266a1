// The schema change review: a connection's streams against the source's newest discovered
// catalog, compared as a sync compares them (added/removed streams, added/removed/changed
// fields, breaking when a cursor or primary key is lost). Real server, real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSourceCatalog } from '@tributary/db';
import type { AirbyteCatalog } from '@tributary/protocol';
import { seedActor, startApiHarness, type ApiHarness } from '@tributary/testing/server';

const stream = (name: string, properties: Record<string, unknown>) => ({
  name,
  json_schema: { type: 'object', properties },
  supported_sync_modes: ['full_refresh', 'incremental'] as ('full_refresh' | 'incremental')[],
  source_defined_primary_key: [['id']],
});

const BEFORE: AirbyteCatalog = {
  streams: [
    stream('users', { id: { type: 'integer' }, name: { type: 'string' }, updated_at: { type: 'string' } }),
    stream('products', { id: { type: 'integer' }, title: { type: 'string' } }),
    stream('audit', { id: { type: 'integer' } }),
  ],
};

describe('schema change review of a connection', () => {
  let api: ApiHarness;
  let sourceId: string;
  let connectionId: string;
  beforeAll(async () => {
    api = await startApiHarness();
    const actor = (actorType: 'source' | 'destination') => seedActor(api.dataSource, api.workspaceId, actorType, 'review');
    sourceId = await actor('source');
    const destinationId = await actor('destination');
    await api.dataSource.transaction((manager) => recordSourceCatalog(manager, sourceId, BEFORE));
    const res = await api.request('POST', '/api/v1/connections', {
      body: {
        sourceId,
        destinationId,
        status: 'inactive',
        // audit is left out on purpose: it is not "new" later
        streams: [
          { name: 'users', syncMode: 'incremental_dedup', cursorField: ['updated_at'], primaryKey: [['id']] },
          { name: 'products', syncMode: 'full_refresh_overwrite' },
        ],
      },
    });
    expect(res.status, res.text).toBe(201);
    connectionId = (res.body as { id: string }).id;
  });
  afterAll(() => api?.close());

  const review = async () => {
    const res = await api.request('GET', `/api/v1/connections/${connectionId}/schema-changes`);
    expect(res.status, res.text).toBe(200);
    return res.body as Record<string, unknown>;
  };

  it('reports no change while the source offers what the connection was configured from', async () => {
    expect(await review()).toMatchObject({ schemaChange: 'no_change', addedStreams: [], removedStreams: [], changedStreams: [], breaking: [] });
  });

  it('lists added and removed streams and fields after the source changed, and marks the breaking ones', async () => {
    const after: AirbyteCatalog = {
      streams: [
        // the cursor is gone and the id became a string: breaking for a deduped incremental stream
        stream('users', { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } }),
        stream('audit', { id: { type: 'integer' } }),
        stream('purchases', { id: { type: 'integer' } }),
      ],
    };
    await api.dataSource.transaction((manager) => recordSourceCatalog(manager, sourceId, after));
    const body = await review();
    expect(body).toMatchObject({
      schemaChange: 'breaking',
      addedStreams: ['purchases'],
      removedStreams: ['products'],
      changedStreams: [{ stream: 'users', addedFields: ['email'], removedFields: ['updated_at'], changedFields: ['id'], breaking: true }],
    });
    expect(body.breaking).toEqual(['users: cursor field updated_at was removed or changed', 'users: primary key field id was removed or changed']);
    expect(body.discoveredAt).toEqual(expect.any(String));
  });

  it('a connection of another workspace or none is a 404', async () => {
    const res = await api.request('GET', '/api/v1/connections/00000000-0000-4000-8000-000000000000/schema-changes');
    expect(res.status).toBe(404);
  });
});
