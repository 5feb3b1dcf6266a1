import { schemaWithFields } from '@tributary/domain';
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

  describe('with a field selection', () => {
    // users syncs id and updated_at only: its configured schema lists just those
    const selection = [{ stream: { name: 'users' }, fields: ['id', 'updated_at'] }];
    const selected: ConfiguredAirbyteCatalog = {
      streams: [
        { ...configured.streams[0]!, stream: { ...users, json_schema: schemaWithFields(users.json_schema, ['id', 'updated_at']) } },
      ],
    };
    const usersProps = users.json_schema['properties'] as object;

    it('does not see the unselected fields as removed, nor new fields as added', () => {
      // what a diff without the selection would report on every sync
      expect(diffCatalog(selected, discover(users)).changedStreams).toEqual([
        { stream: 'users', addedFields: ['name'], removedFields: [], changedFields: [] },
      ]);
      expect(hasChanges(diffCatalog(selected, discover(users), selection))).toBe(false);
      const wider = stream('users', { ...usersProps, email: {} });
      expect(hasChanges(diffCatalog(selected, discover(wider), selection))).toBe(false);
      // an unselected field going away is no change either
      expect(
        hasChanges(
          diffCatalog(selected, discover(stream('users', { id: { type: 'integer' }, updated_at: { type: 'string' } })), selection),
        ),
      ).toBe(false);
    });

    it('reports changes of selected fields, breaking for the cursor and key', () => {
      const retyped = stream('users', { ...usersProps, updated_at: { type: 'integer' } });
      expect(diffCatalog(selected, discover(retyped), selection)).toEqual({
        addedStreams: [],
        removedStreams: [],
        changedStreams: [{ stream: 'users', addedFields: [], removedFields: [], changedFields: ['updated_at'] }],
        breaking: ['users: cursor field updated_at was removed or changed'],
      });
      expect(diffCatalog(selected, discover(stream('users', { updated_at: { type: 'string' }, name: {} })), selection)).toMatchObject({
        changedStreams: [{ stream: 'users', removedFields: ['id'] }],
        breaking: ['users: primary key field id was removed or changed'],
      });
    });

    it('propagates the discovered schema of the selected fields only', () => {
      const wider = stream('users', { email: {}, ...usersProps, updated_at: { type: 'string', format: 'date-time' } });
      const propagated = propagateChanges(selected, discover(wider), 'propagate_columns', selection);
      expect(propagated.streams[0]!.stream.json_schema).toEqual({
        type: 'object',
        properties: { id: { type: 'integer' }, updated_at: { type: 'string', format: 'date-time' } },
      });
      // and the next sync sees no change
      expect(hasChanges(diffCatalog(propagated, discover(wider), selection))).toBe(false);
    });
  });

  it('keeps only the named properties of a schema, in its own order, required included', () => {
    const schema = {
      type: 'object',
      required: ['a', 'b'],
      properties: { a: { type: 'string' }, b: {}, c: {} },
      additionalProperties: true,
    };
    expect(schemaWithFields(schema, ['c', 'a'])).toEqual({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string' }, c: {} },
      additionalProperties: true,
    });
    expect(Object.keys(schemaWithFields(schema, ['c', 'a'])['properties'] as object)).toEqual(['a', 'c']);
    expect(schemaWithFields({ type: 'object' }, ['a'])).toEqual({ type: 'object' });
  });
});
