import { describe, expect, it } from 'vitest';
import { RowEncoder } from './row-encoder.js';

const fields = (line: string) => line.replace(/\n$/, '').split('\t');

describe('RowEncoder', () => {
  const encoder = new RowEncoder({
    columns: [
      { field: 'id', name: 'id', kind: 'bigint' },
      { field: 'name', name: 'name', kind: 'text' },
      { field: 'when', name: 'when', kind: 'timestamptz' },
    ],
    generationId: 7,
    syncId: 3,
    withSequence: 'batch',
    primaryKey: [['id']],
    rawData: 'every_row',
  });

  it('writes the airbyte columns, the typed fields, the raw record and the sequence', () => {
    const line = encoder.encode({ stream: 's', data: { id: 1, name: 'a\tb', when: '2024-01-01T00:00:00Z' }, emitted_at: 0 });
    const [rawId, extractedAt, meta, generation, id, name, when, data, seq] = fields(line);
    expect(rawId).toMatch(/^[0-9a-f-]{36}$/);
    expect(extractedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(meta).toBe('{"changes":[],"sync_id":3}');
    expect(generation).toBe('7');
    expect([id, name, when]).toEqual(['1', 'a\\tb', '2024-01-01T00:00:00Z']);
    expect(data).toBe('{"id":1,"name":"a\\\\tb","when":"2024-01-01T00:00:00Z"}');
    expect(seq).toBe('0');
    expect(fields(encoder.encode({ stream: 's', data: { id: 2 }, emitted_at: 0 })).at(-1)).toBe('1');
  });

  it('nulls what the column cannot hold, records why, and notes rows with a null key', () => {
    encoder.resetBatch();
    const line = encoder.encode({ stream: 's', data: { id: 'x', when: 'soon' }, emitted_at: 0 });
    const [, , meta, , id, name, when] = fields(line);
    expect([id, name, when]).toEqual(['\\N', '\\N', '\\N']);
    expect(JSON.parse(meta!).changes).toEqual([
      { field: 'id', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
      { field: 'when', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
    ]);
    expect(encoder.nullKeySeen).toBe(true);
    encoder.resetBatch();
    expect(encoder.nullKeySeen).toBe(false);
  });

  it('without raw data in every row, keeps the raw record only in rows with a value nulled by its column', () => {
    const lean = new RowEncoder({ columns: [{ field: 'id', name: 'id', kind: 'bigint' }], generationId: 1, rawData: 'when_nulled' });
    expect(fields(lean.encode({ stream: 's', data: { id: 1, extra: 'x' }, emitted_at: 0 })).at(-1)).toBe('\\N');
    expect(fields(lean.encode({ stream: 's', data: { id: 'one' }, emitted_at: 0 })).at(-1)).toBe('{"id":"one"}');
  });

  it('reads an absent field named like an Object.prototype member as missing', () => {
    const inherited = new RowEncoder({
      columns: [{ field: 'constructor', name: 'constructor', kind: 'text' }],
      generationId: 1,
      rawData: 'when_nulled',
    });
    expect(fields(inherited.encode({ stream: 's', data: {}, emitted_at: 0 }))[4]).toBe('\\N');
    expect(fields(inherited.encode({ stream: 's', data: { constructor: 'Ferrari' }, emitted_at: 0 }))[4]).toBe('Ferrari');
  });
});
