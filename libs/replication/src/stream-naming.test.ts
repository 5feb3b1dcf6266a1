import { describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { DestinationNames } from './destination-names.js';
import { StreamCatalog } from './stream-catalog.js';
import {
  describeCollision,
  destinationCatalog,
  destinationNamespace,
  destinationNamingOf,
  destinationStream,
  namingCollisions,
} from './stream-naming.js';
import type { DestinationNaming } from './types.js';

function catalogOf(...streams: { name: string; namespace?: string | null }[]): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((s) => ({
      stream: {
        name: s.name,
        ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
        json_schema: { type: 'object' },
        supported_sync_modes: ['incremental'],
        source_defined_primary_key: [['id']],
      },
      sync_mode: 'incremental',
      cursor_field: ['id'],
      destination_sync_mode: 'append_dedup',
      primary_key: [['id']],
    })),
  };
}

describe('destinationNamespace', () => {
  it.each([
    ['source', 'shop', 'shop'],
    ['source', undefined, undefined],
    ['source', null, undefined],
    ['destination', 'shop', undefined],
    ['destination', undefined, undefined],
  ] as const)('%s definition, source namespace %s -> %s', (definition, source, expected) => {
    expect(destinationNamespace(definition, source)).toBe(expected);
  });

  it('fills ${SOURCE_NAMESPACE} in a custom format, every occurrence', () => {
    expect(destinationNamespace({ format: '${SOURCE_NAMESPACE}_raw' }, 'shop')).toBe('shop_raw');
    expect(destinationNamespace({ format: 'raw' }, 'shop')).toBe('raw');
    expect(destinationNamespace({ format: '${SOURCE_NAMESPACE}_${SOURCE_NAMESPACE}' }, 'a')).toBe('a_a');
    expect(destinationNamespace({ format: 'x_${SOURCE_NAMESPACE}' }, 'a$&b$$')).toBe('x_a$&b$$');
  });

  it('uses an empty string for a missing source namespace, and the default namespace for an empty result', () => {
    expect(destinationNamespace({ format: '${SOURCE_NAMESPACE}_raw' }, undefined)).toBe('_raw');
    expect(destinationNamespace({ format: '${SOURCE_NAMESPACE}' }, null)).toBeUndefined();
    expect(destinationNamespace({ format: '' }, 'shop')).toBeUndefined();
  });
});

describe('destinationStream', () => {
  it('prefixes the name and maps the namespace', () => {
    const naming: DestinationNaming = { namespace: { format: '${SOURCE_NAMESPACE}_raw' }, prefix: 'p_' };
    expect(destinationStream(naming, { name: 'users', namespace: 'shop' })).toEqual({ name: 'p_users', namespace: 'shop_raw' });
    expect(destinationStream({ namespace: 'destination', prefix: 'p_' }, { name: 'users', namespace: 'shop' })).toEqual({
      name: 'p_users',
    });
  });

  it('keeps the source names without a naming, or with the source namespace and no prefix', () => {
    expect(destinationStream(undefined, { name: 'users', namespace: 'shop' })).toEqual({ name: 'users', namespace: 'shop' });
    expect(destinationStream({ namespace: 'source' }, { name: 'users', namespace: null })).toEqual({ name: 'users' });
    expect(destinationStream({ namespace: 'source', prefix: '' }, { name: 'users', namespace: 'shop' })).toEqual({
      name: 'users',
      namespace: 'shop',
    });
  });
});

describe('destinationCatalog', () => {
  it('renames every stream and keeps everything else of the configured streams', () => {
    const catalog = catalogOf({ name: 'users', namespace: 'shop' }, { name: 'events' });
    const mapped = destinationCatalog({ namespace: { format: 'raw_${SOURCE_NAMESPACE}' }, prefix: 'x_' }, catalog);
    expect(mapped.streams.map((s) => [s.stream.namespace, s.stream.name])).toEqual([
      ['raw_shop', 'x_users'],
      ['raw_', 'x_events'],
    ]);
    expect(mapped.streams[0]).toEqual({
      ...catalog.streams[0],
      stream: { ...catalog.streams[0]!.stream, name: 'x_users', namespace: 'raw_shop' },
    });
    // the input is not touched
    expect(catalog.streams[0]!.stream.name).toBe('users');
  });

  it('drops the namespace key for the destination default', () => {
    const mapped = destinationCatalog({ namespace: 'destination' }, catalogOf({ name: 'users', namespace: 'shop' }));
    expect('namespace' in mapped.streams[0]!.stream).toBe(false);
  });

  it('returns the catalog itself without a naming', () => {
    const catalog = catalogOf({ name: 'users' });
    expect(destinationCatalog(undefined, catalog)).toBe(catalog);
  });
});

describe('namingCollisions', () => {
  it('finds source streams that would land in one destination stream', () => {
    const catalog = catalogOf({ name: 'users', namespace: 'eu' }, { name: 'users', namespace: 'us' }, { name: 'orders', namespace: 'eu' });
    const collisions = namingCollisions({ namespace: 'destination' }, catalog);
    expect(collisions).toEqual([
      {
        destination: { name: 'users' },
        sources: [
          { name: 'users', namespace: 'eu' },
          { name: 'users', namespace: 'us' },
        ],
      },
    ]);
    expect(describeCollision(collisions[0]!)).toBe(
      'streams "eu.users" and "us.users" would all be written to the destination stream "users"',
    );
    expect(namingCollisions({ namespace: 'source' }, catalog)).toEqual([]);
    expect(namingCollisions({ namespace: { format: 'same' } }, catalog)).toHaveLength(1);
  });

  it('takes a stream listed twice for one stream, and sees a clash made by a custom format', () => {
    const catalog = catalogOf({ name: 'users', namespace: 'a' }, { name: 'users', namespace: 'a' }, { name: 'users' });
    expect(namingCollisions({ namespace: 'source', prefix: 'p_' }, catalog)).toEqual([]);
    expect(namingCollisions({ namespace: { format: '' }, prefix: 'p_' }, catalog)).toEqual([
      { destination: { name: 'p_users' }, sources: [{ name: 'users', namespace: 'a' }, { name: 'users' }] },
    ]);
  });
});

describe('destinationNamingOf', () => {
  it('reads a connection’s stored settings', () => {
    expect(destinationNamingOf({ namespaceDefinition: 'source', namespaceFormat: null, prefix: '' })).toEqual({ namespace: 'source' });
    expect(destinationNamingOf({ namespaceDefinition: 'destination', prefix: 'p_' })).toEqual({ namespace: 'destination', prefix: 'p_' });
    expect(destinationNamingOf({ namespaceDefinition: 'custom_format', namespaceFormat: '${SOURCE_NAMESPACE}_raw' })).toEqual({
      namespace: { format: '${SOURCE_NAMESPACE}_raw' },
    });
  });
});

describe('DestinationNames', () => {
  const catalog = new StreamCatalog(catalogOf({ name: 'users', namespace: 'shop' }, { name: 'events' }));

  it('is not made when every stream keeps its name (the engine then rewrites nothing)', () => {
    expect(DestinationNames.of(undefined, catalog)).toBeUndefined();
    expect(DestinationNames.of({ namespace: 'source' }, catalog)).toBeUndefined();
    expect(DestinationNames.of({ namespace: { format: '${SOURCE_NAMESPACE}' } }, catalog)).toBeUndefined();
    // no stream has a namespace to remove
    expect(DestinationNames.of({ namespace: 'destination' }, new StreamCatalog(catalogOf({ name: 'events' })))).toBeUndefined();
    expect(DestinationNames.of({ namespace: 'destination' }, catalog)).toBeDefined();
  });

  it('renames STREAM and GLOBAL states, keeps LEGACY ones, and knows the source stream of a destination name', () => {
    const names = DestinationNames.of({ namespace: { format: '${SOURCE_NAMESPACE}_raw' }, prefix: 'p_' }, catalog)!;
    const stream = { type: 'STREAM' as const, stream: { stream_descriptor: { name: 'users', namespace: 'shop' }, stream_state: { c: 1 } } };
    expect(names.state(stream)).toEqual({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'p_users', namespace: 'shop_raw' }, stream_state: { c: 1 } },
    });
    const global = {
      type: 'GLOBAL' as const,
      global: { shared_state: { lsn: 1 }, stream_states: [{ stream_descriptor: { name: 'events' }, stream_state: { c: 2 } }] },
    };
    expect(names.state(global).global).toEqual({
      shared_state: { lsn: 1 },
      stream_states: [{ stream_descriptor: { name: 'p_events', namespace: '_raw' }, stream_state: { c: 2 } }],
    });
    const legacy = { type: 'LEGACY' as const, data: { users: 1 } };
    expect(names.state(legacy)).toBe(legacy);
    expect(names.sourceOf({ name: 'p_users', namespace: 'shop_raw' })).toMatchObject({ name: 'users', namespace: 'shop' });
    expect(names.sourceOf({ name: 'users', namespace: 'shop' })).toBeUndefined();
  });

  it('builds record heads only for renamed streams', () => {
    const names = DestinationNames.of({ namespace: 'destination' }, catalog)!;
    const heads = names.recordHeads();
    expect(heads[0]!.toString()).toBe('{"type":"RECORD","record":{"stream":"users","data":{');
    expect(heads[1]).toBeUndefined();
  });
});
