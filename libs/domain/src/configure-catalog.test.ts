import { describe, expect, it } from 'vitest';
import { CatalogConfigurationError, configureCatalog } from './configure-catalog.js';
import type { AirbyteCatalog } from '@tributary/protocol';

const catalog: AirbyteCatalog = {
  streams: [
    { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'], default_cursor_field: ['updated_at'], source_defined_primary_key: [['id']] },
    { name: 'events', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'], default_cursor_field: ['ts'] },
    { name: 'plain', json_schema: {}, supported_sync_modes: ['full_refresh'] },
  ],
};

describe('configureCatalog', () => {
  it('picks dedup with a key and cursor, append with only a cursor, overwrite otherwise', () => {
    const modes = configureCatalog(catalog).streams.map((s) => [s.stream.name, s.sync_mode, s.destination_sync_mode, s.cursor_field, s.primary_key]);
    expect(modes).toEqual([
      ['users', 'incremental', 'append_dedup', ['updated_at'], [['id']]],
      ['events', 'incremental', 'append', ['ts'], undefined],
      ['plain', 'full_refresh', 'overwrite', undefined, undefined],
    ]);
  });

  it('selects streams and rejects unknown ones by name', () => {
    expect(configureCatalog(catalog, { streams: ['plain'] }).streams).toHaveLength(1);
    expect(() => configureCatalog(catalog, { streams: ['nope'] })).toThrow(/unknown stream\(s\): nope/);
  });

  it('refuses incremental for a stream without a cursor', () => {
    expect(() => configureCatalog(catalog, { streams: ['plain'], mode: 'incremental_append' })).toThrow(CatalogConfigurationError);
  });

  it('sets generation ids so overwrite drops older generations', () => {
    const s = configureCatalog(catalog, { mode: 'full_refresh_overwrite', generationId: 4 }).streams[0]!;
    expect([s.generation_id, s.minimum_generation_id]).toEqual([4, 4]);
  });
});
