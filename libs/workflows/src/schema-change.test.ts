import { describe, expect, it } from 'vitest';
import type { AirbyteCatalog, AirbyteStream, ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { diffCatalog, hasChanges, propagateChanges } from './schema-change.js';

const stream = (name: string, properties: Record<string, unknown>): AirbyteStream => ({
  name,
  json_schema: { type: 'object', properties },
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['updated_at'],
  source_defined_primary_key: [['id']],
});
const users = stream('users', { id: { type: 'integer' }, updated_at: { type: 'string' }, name: { type: 'string' } });
const configured: ConfiguredAirbyteCatalog = {
  streams: [
    { stream: users, sync_mode: 'incremental', cursor_field: ['updated_at'], destination_sync_mode: 'append_dedup', primary_key: [['id']] },
  ],
};
const discover = (...streams: AirbyteStream[]): AirbyteCatalog => ({ streams });

describe('schema-change detection', () => {
  it('sees no change when the source discovers the same schema', () => {
    expect(hasChanges(diffCatalog(configured, discover(users)))).toBe(false);
  });

  it('treats added columns and streams as non-breaking', () => {
    const diff = diffCatalog(
      configured,
      discover(stream('users', { ...(users.json_schema['properties'] as object), email: {} }), stream('orders', {})),
    );
    expect(diff).toEqual({
      addedStreams: ['orders'],
      removedStreams: [],
      changedStreams: [{ stream: 'users', addedFields: ['email'], removedFields: [], changedFields: [] }],
      breaking: [],
    });
  });

  it('is breaking when the cursor or the primary key field is removed or changes type', () => {
    expect(diffCatalog(configured, discover(stream('users', { id: { type: 'integer' }, name: {} }))).breaking).toEqual([
      'users: cursor field updated_at was removed or changed',
    ]);
    expect(diffCatalog(configured, discover(stream('users', { id: { type: 'string' }, updated_at: { type: 'string' } }))).breaking).toEqual(
      ['users: primary key field id was removed or changed'],
    );
  });

  it('treats a stream the source no longer offers as non-breaking', () => {
    expect(diffCatalog(configured, discover())).toMatchObject({ removedStreams: ['users'], breaking: [] });
  });

  it('propagates columns only, or new streams too', () => {
    const wider = stream('users', { ...(users.json_schema['properties'] as object), email: {} });
    const columns = propagateChanges(configured, discover(wider, stream('orders', {})), 'propagate_columns');
    expect(columns.streams.map((s) => [s.stream.name, s.sync_mode, s.destination_sync_mode])).toEqual([
      ['users', 'incremental', 'append_dedup'],
    ]);
    expect(Object.keys(columns.streams[0]!.stream.json_schema['properties'] as object)).toContain('email');
    const fully = propagateChanges(configured, discover(wider, stream('orders', {})), 'propagate_fully');
    expect(fully.streams.map((s) => [s.stream.name, s.sync_mode, s.destination_sync_mode])).toEqual([
      ['users', 'incremental', 'append_dedup'],
      ['orders', 'incremental', 'append'],
    ]);
  });
});
