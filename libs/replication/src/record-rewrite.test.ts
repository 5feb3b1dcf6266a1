import type { StreamFieldSelection } from '@tributary/domain';
import { describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { DestinationNames } from './destination-names.js';
import { SelectedFields } from './field-selection.js';
import { NOT_SURE, RecordPeeker } from './record-peek.js';
import { RecordRewriter } from './record-rewrite.js';
import { StreamCatalog } from './stream-catalog.js';
import type { DestinationNaming } from './types.js';

type Stream = { name: string; namespace?: string };

function rewriterFor(naming: DestinationNaming, ...streams: Stream[]): RecordRewriter {
  return trimmerFor(naming, [], ...streams);
}

/** A rewriter that renames (naming) and trims (selection) records. */
function trimmerFor(naming: DestinationNaming | undefined, selection: StreamFieldSelection[], ...streams: Stream[]): RecordRewriter {
  const configured: ConfiguredAirbyteCatalog = {
    streams: streams.map((s) => ({
      stream: { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}), json_schema: {}, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    })),
  };
  const catalog = new StreamCatalog(configured);
  const names = DestinationNames.of(naming, catalog);
  return new RecordRewriter(
    new RecordPeeker(catalog),
    names ? names.recordHeads() : catalog.streams.map(() => undefined),
    catalog.streams.map((s) => s.namespace !== undefined),
    SelectedFields.of(selection, catalog),
  );
}

/** The line as the pump would forward it (in a buffer with other bytes around), or NOT_SURE. */
function rewrite(rw: RecordRewriter, line: string): string | typeof NOT_SURE {
  const buf = Buffer.from(`xx\n${line}\nyy`);
  const start = 3;
  const end = start + Buffer.byteLength(line);
  const index = rw.peek(buf, start, end);
  if (index === NOT_SURE) return NOT_SURE;
  const { bounds, count } = rw.pieces;
  let out = rw.head?.toString() ?? '';
  for (let k = 0; k < 2 * count; k += 2) out += buf.toString('utf8', bounds[k], bounds[k + 1]);
  expect(bounds[2 * count - 1]).toBe(end);
  if (rw.trimmed) expect(rw.sentBytes()).toBe(Buffer.byteLength(out));
  return out;
}

const naming: DestinationNaming = { namespace: { format: '${SOURCE_NAMESPACE}_raw' }, prefix: 'p_' };

describe('RecordRewriter', () => {
  it('replaces the prefix and keeps the rest of the line byte for byte', () => {
    const rw = rewriterFor(naming, { name: 'users', namespace: 'shop' }, { name: 'events' });
    const data = '{"id":1,"s":"a \\"quoted\\" }{ string","namespace":"inside data"}';
    for (let i = 0; i < 2; i++) {
      // the second time from the prefix cache
      expect(rewrite(rw, `{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":${data},"emitted_at":1}}`)).toBe(
        `{"type":"RECORD","record":{"namespace":"shop_raw","stream":"p_users","data":${data},"emitted_at":1}}`,
      );
      expect(rewrite(rw, `{"type":"RECORD","record":{"stream":"events","data":${data},"emitted_at":1}}`)).toBe(
        `{"type":"RECORD","record":{"namespace":"_raw","stream":"p_events","data":${data},"emitted_at":1}}`,
      );
    }
  });

  it('renames Python-spaced records, leaving their spacing after data alone', () => {
    const rw = rewriterFor(naming, { name: 'events' });
    expect(rewrite(rw, '{"type": "RECORD", "record": {"stream": "events", "data": {"id": 1}, "emitted_at": 1}}')).toBe(
      '{"type":"RECORD","record":{"namespace":"_raw","stream":"p_events","data":{"id": 1}, "emitted_at": 1}}',
    );
  });

  it('cuts out a namespace printed after data (Python CDK), whatever its value', () => {
    const rw = rewriterFor(naming, { name: 'users', namespace: 'shop' });
    const cases: [string, string][] = [
      ['"namespace":"shop"', ''],
      [' , "namespace" : "shop" ', ' '],
      ['"namespace":"sh\\"op\\\\"', ''],
    ];
    for (const [member, rest] of cases) {
      const line = `{"type":"RECORD","record":{"stream":"users","data":{"namespace":"x"},"emitted_at":1${member.startsWith(' ') ? '' : ','}${member}}}`;
      const out = rewrite(rw, line);
      expect(out).toBe(
        `{"type":"RECORD","record":{"namespace":"shop_raw","stream":"p_users","data":{"namespace":"x"},"emitted_at":1${rest}}}`,
      );
      expect(JSON.parse(out as string)).toEqual({
        type: 'RECORD',
        record: { namespace: 'shop_raw', stream: 'p_users', data: { namespace: 'x' }, emitted_at: 1 },
      });
    }
    // a null namespace of a stream without one goes too
    const events = rewriterFor({ namespace: 'source', prefix: 'p_' }, { name: 'events' });
    expect(rewrite(events, '{"type":"RECORD","record":{"stream":"events","data":{},"emitted_at":1,"namespace":null}}')).toBe(
      '{"type":"RECORD","record":{"stream":"p_events","data":{},"emitted_at":1}}',
    );
  });

  it('leaves to a full parse what it cannot be sure of', () => {
    const rw = rewriterFor(naming, { name: 'users', namespace: 'shop' }, { name: 'events' });
    // a namespaced stream whose namespace is neither before data nor last
    expect(rewrite(rw, '{"type":"RECORD","record":{"stream":"users","data":{},"namespace":"shop","meta":{}}}')).toBe(NOT_SURE);
    expect(rewrite(rw, '{"type":"RECORD","record":{"stream":"users","data":{},"emitted_at":1}}')).toBe(NOT_SURE);
    // the namespace key is inside data: not the record's
    expect(rewrite(rw, '{"type":"RECORD","record":{"stream":"users","data":{"a":1,"namespace":"shop"},"emitted_at":1}}')).toBe(NOT_SURE);
    // other key orders of a renamed stream
    expect(rewrite(rw, '{"record":{"stream":"events","data":{}},"type":"RECORD"}')).toBe(NOT_SURE);
    expect(rewrite(rw, '{"type":"RECORD","record":{"data":{},"stream":"events"}}')).toBe(NOT_SURE);
    // not a record of a configured stream, or not a whole line
    expect(rewrite(rw, '{"type":"RECORD","record":{"stream":"ghost","data":{}}}')).toBe(NOT_SURE);
    expect(rewrite(rw, '{"type":"RECORD","record":{"stream":"events","data":{"a":')).toBe(NOT_SURE);
  });

  it('forwards records of streams that keep their name untouched, in any form', () => {
    // 'destination' renames only the stream that has a namespace
    const rw = rewriterFor({ namespace: 'destination' }, { name: 'users', namespace: 'shop' }, { name: 'events' });
    const odd = '{"type":"RECORD","record":{"data":{"x":1},"stream":"events"}}';
    expect(rewrite(rw, odd)).toBe(odd);
    const plain = '{"type": "RECORD", "record": {"stream": "events", "data": {}}}';
    expect(rewrite(rw, plain)).toBe(plain);
    expect(rewrite(rw, '{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":{}}}')).toBe(
      '{"type":"RECORD","record":{"stream":"users","data":{}}}',
    );
  });
});

describe('RecordRewriter trimming (field selection)', () => {
  const keepIdAndName: StreamFieldSelection[] = [{ stream: { name: 'users', namespace: 'shop' }, fields: ['id', 'name'] }];
  const shopUsers = { name: 'users', namespace: 'shop' };

  it('keeps the selected members of data byte for byte and drops the others, wherever they are', () => {
    const rw = trimmerFor(undefined, keepIdAndName, shopUsers, { name: 'events' });
    const record = (data: string) => `{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":${data},"emitted_at":1}}`;
    const cases: [string, string][] = [
      // numbers and strings are never re-encoded: a big integer and 1.10 stay as they are
      ['{"id":12345678901234567890,"email":"a@b","name":"x"}', '{"id":12345678901234567890,"name":"x"}'],
      ['{"email":"a@b","id":1.10,"name":"x"}', '{"id":1.10,"name":"x"}'],
      ['{"id":1,"name":"x","email":"a@b"}', '{"id":1,"name":"x"}'],
      ['{"email":"a@b"}', '{}'],
      ['{}', '{}'],
      // values that look like members, nested values, spacing
      ['{ "x" : {"id":2,"s":"},\\"name\\":"} , "id" : [1,{"a":"]"}] ,"name":null }', '{"id" : [1,{"a":"]"}],"name":null}'],
      // an escaped key is what JSON says it is
      ['{"\\u0069d":7,"n\\u0061me2":1}', '{"\\u0069d":7}'],
      // duplicate keys go (or stay) together, so a parser sees the same last value
      ['{"id":1,"x":0,"id":2}', '{"id":1,"id":2}'],
    ];
    for (const [data, kept] of cases) {
      expect(rewrite(rw, record(data))).toBe(record(kept));
      expect(rw.trimmed).toBe(true);
    }
    // the other stream goes as it is
    const events = '{"type":"RECORD","record":{"stream":"events","data":{"id":1,"email":"a@b"},"emitted_at":1}}';
    expect(rewrite(rw, events)).toBe(events);
    expect(rw.trimmed).toBe(false);
  });

  it('finds the end of strings with escapes wherever they fall, short or long', () => {
    const rw = trimmerFor(undefined, [{ stream: { name: 'events' }, fields: ['b'] }], { name: 'events' });
    for (let at = 0; at < 120; at++) {
      for (const escape of ['"', '\\', '\\"', '\\\\"', '\n']) {
        const value = 'x'.repeat(at) + escape + '"}' + 'y'.repeat(at % 7);
        const data = JSON.stringify({ a: value, b: value, c: value });
        const out = rewrite(rw, `{"type":"RECORD","record":{"stream":"events","data":${data}}}`);
        expect(out).toBe(`{"type":"RECORD","record":{"stream":"events","data":${JSON.stringify({ b: value })}}}`);
      }
    }
  });

  it('trims Python-spaced records, keeping their spacing', () => {
    const rw = trimmerFor(undefined, [{ stream: { name: 'events' }, fields: ['b'] }], { name: 'events' });
    expect(rewrite(rw, '{"type": "RECORD", "record": {"stream": "events", "data": {"a": 1, "b": "x, y", "c": {}}, "emitted_at": 1}}')).toBe(
      '{"type": "RECORD", "record": {"stream": "events", "data": {"b": "x, y"}, "emitted_at": 1}}',
    );
  });

  it('trims and renames at once, cutting a trailing namespace after the trimmed data', () => {
    const rw = trimmerFor(naming, keepIdAndName, shopUsers, { name: 'events' });
    const before = `{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":{"id":1,"email":"e"},"emitted_at":1}}`;
    expect(rewrite(rw, before)).toBe(
      '{"type":"RECORD","record":{"namespace":"shop_raw","stream":"p_users","data":{"id":1},"emitted_at":1}}',
    );
    const pythonLast = `{"type":"RECORD","record":{"stream":"users","data":{"email":"e","name":"n","namespace":"x"},"emitted_at":1,"namespace":"shop"}}`;
    expect(rewrite(rw, pythonLast)).toBe(
      '{"type":"RECORD","record":{"namespace":"shop_raw","stream":"p_users","data":{"name":"n"},"emitted_at":1}}',
    );
    // renamed but without a selection: the data is untouched
    expect(rewrite(rw, '{"type":"RECORD","record":{"stream":"events","data":{"email":"e"}}}')).toBe(
      '{"type":"RECORD","record":{"namespace":"_raw","stream":"p_events","data":{"email":"e"}}}',
    );
  });

  it('leaves to a full parse a record of a trimmed stream it cannot walk', () => {
    const rw = trimmerFor(undefined, keepIdAndName, shopUsers);
    const unsure = [
      // another key order
      '{"record":{"namespace":"shop","stream":"users","data":{"id":1}},"type":"RECORD"}',
      // data that is not a well-formed object
      '{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":{"id":1 "name":2}}}',
      '{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":{"id":}}}',
      '{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":{id:1}}}',
      '{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":{"id":"1}}}',
    ];
    for (const line of unsure) expect(rewrite(rw, line)).toBe(NOT_SURE);
  });

  it('ignores a selection of a stream that is not configured, or of another namespace', () => {
    const catalog = new StreamCatalog({
      streams: [
        {
          stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'full_refresh',
          destination_sync_mode: 'append',
        },
      ],
    });
    expect(SelectedFields.of([{ stream: { name: 'ghost' }, fields: ['id'] }], catalog)).toBeUndefined();
    expect(SelectedFields.of([{ stream: { name: 'users', namespace: 'shop' }, fields: ['id'] }], catalog)).toBeUndefined();
    expect(SelectedFields.of([{ stream: { name: 'users' }, fields: [] }], catalog)).toBeUndefined();
    expect(SelectedFields.of([{ stream: { name: 'users' }, fields: ['id'] }], catalog)?.fieldsOf(0)?.names).toEqual(new Set(['id']));
  });

  it('trims a parsed record the same way (the full-parse path), keeping a __proto__ field a field', () => {
    const catalog = new StreamCatalog({
      streams: [
        {
          stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'full_refresh',
          destination_sync_mode: 'append',
        },
      ],
    });
    const selected = SelectedFields.of([{ stream: { name: 'users' }, fields: ['id', '__proto__'] }], catalog)!;
    const data = JSON.parse('{"id":1,"email":"e","__proto__":{"x":1}}') as Record<string, unknown>;
    expect(JSON.stringify(selected.data(0, data))).toBe('{"id":1,"__proto__":{"x":1}}');
    const all = { id: 1 };
    expect(selected.data(0, all)).toBe(all);
  });
});
