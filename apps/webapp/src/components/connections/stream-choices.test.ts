import { describe, expect, it } from 'vitest';
import type { DiscoveredStream } from '@/lib/connections';
import { allowedModes, defaultMode, initialChoice, isFieldSelected, missingFor, requiredFields, withField } from './stream-choices';

const stream = (patch: Partial<DiscoveredStream>): DiscoveredStream => ({
  name: 'users',
  namespace: null,
  jsonSchema: { properties: { id: {}, updated_at: {}, email: {} } },
  supportedSyncModes: ['full_refresh', 'incremental'],
  sourceDefinedCursor: false,
  defaultCursorField: [],
  sourceDefinedPrimaryKey: [],
  ...patch,
});

describe('stream choices of a new connection', () => {
  it('starts deduped when the source gives a cursor and a key, incremental with a cursor only, full refresh otherwise', () => {
    expect(defaultMode(stream({ sourceDefinedCursor: true, defaultCursorField: ['updated_at'], sourceDefinedPrimaryKey: [['id']] }))).toBe(
      'incremental_dedup',
    );
    expect(defaultMode(stream({ defaultCursorField: ['updated_at'] }))).toBe('incremental_append');
    expect(defaultMode(stream({}))).toBe('full_refresh_overwrite');
    expect(
      defaultMode(stream({ supportedSyncModes: ['full_refresh'], defaultCursorField: ['updated_at'], sourceDefinedPrimaryKey: [['id']] })),
    ).toBe('full_refresh_overwrite');
  });

  it('offers only the modes the stream supports', () => {
    expect(allowedModes(stream({ supportedSyncModes: ['full_refresh'] }))).toEqual(['full_refresh_overwrite', 'full_refresh_append']);
  });

  it('says what an incremental stream still needs', () => {
    const s = stream({});
    const config = { ...initialChoice(s).config, syncMode: 'incremental_dedup' as const };
    expect(missingFor(s, config)).toBe('choose a cursor field');
    expect(missingFor(s, { ...config, cursorField: ['updated_at'] })).toBe('choose a primary key');
    expect(missingFor(s, { ...config, cursorField: ['updated_at'], primaryKey: [['id']] })).toBeUndefined();
    // a source-defined cursor needs no choice
    expect(
      missingFor(stream({ sourceDefinedCursor: true, defaultCursorField: ['updated_at'] }), { ...config, primaryKey: [['id']] }),
    ).toBeUndefined();
  });
});

describe('field selection of a stream', () => {
  const s = stream({ sourceDefinedCursor: true, defaultCursorField: ['updated_at'], sourceDefinedPrimaryKey: [['id']] });
  const dedup = initialChoice(s).config;

  it('leaves a field out, keeps the ones the mode needs, and writes "all" as no selection', () => {
    const withoutEmail = withField(s, dedup, 'email', false);
    expect(withoutEmail.selectedFields).toEqual([['id'], ['updated_at']]);
    expect(isFieldSelected(withoutEmail, 'email')).toBe(false);
    // the cursor and the primary key of a deduped stream cannot be left out
    expect(withField(s, withoutEmail, 'updated_at', false).selectedFields).toEqual([['id'], ['updated_at']]);
    expect(requiredFields(s, dedup)).toEqual(new Set(['updated_at', 'id']));
    expect(withField(s, withoutEmail, 'email', true).selectedFields).toBeUndefined();
  });
});
