import { describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { NOT_SURE, RecordPeeker } from './record-peek.js';
import { StreamCatalog } from './stream-catalog.js';

function catalogOf(...streams: { name: string; namespace?: string }[]): StreamCatalog {
  const catalog: ConfiguredAirbyteCatalog = {
    streams: streams.map((s) => ({
      stream: { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}), json_schema: {}, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    })),
  };
  return new StreamCatalog(catalog);
}

function peek(peeker: RecordPeeker, line: string): number {
  // surround the line with other bytes: peek must respect start/end
  const buf = Buffer.from(`xx\n${line}\nyy`);
  return peeker.peek(buf, 3, 3 + Buffer.byteLength(line));
}

describe('RecordPeeker', () => {
  const catalog = catalogOf({ name: 'users' }, { name: 'orders' }, { name: 'dup', namespace: 'a' }, { name: 'dup', namespace: 'b' });

  it('recognises compact records and their stream', () => {
    const p = new RecordPeeker(catalog);
    expect(peek(p, '{"type":"RECORD","record":{"stream":"users","data":{"id":1},"emitted_at":1}}')).toBe(0);
    expect(peek(p, '{"type":"RECORD","record":{"stream":"orders","data":{"id":1},"emitted_at":1}}')).toBe(1);
    // cached last stream, then a different one sharing a prefix
    expect(peek(p, '{"type":"RECORD","record":{"stream":"orders","data":{},"emitted_at":1}}')).toBe(1);
    expect(peek(p, '{"type":"RECORD","record":{"stream":"ordersx","data":{},"emitted_at":1}}')).toBe(NOT_SURE);
  });

  it('recognises the Python json.dumps spacing', () => {
    const p = new RecordPeeker(catalog);
    expect(peek(p, '{"type": "RECORD", "record": {"stream": "users", "data": {"id": 1}, "emitted_at": 1}}')).toBe(0);
  });

  it('handles other key orders, whitespace and namespace positions', () => {
    const p = new RecordPeeker(catalog);
    expect(peek(p, '{"type":"RECORD","record":{"namespace":"a","stream":"dup","data":{},"emitted_at":1}}')).toBe(2);
    expect(
      peek(
        p,
        '{"type":"RECORD","record":{"stream":"dup","data":{"stream":"x","n":[1,{"namespace":"a"}],"s":"}\\"{"},"emitted_at":1,"namespace":"b"}}',
      ),
    ).toBe(3);
    expect(peek(p, '  { "type" : "RECORD" ,\t"record" : { "emitted_at" : 1 , "data" : { } , "stream" : "users" } }')).toBe(0);
    expect(peek(p, '{"meta":{"x":[1,2]},"type":"RECORD","record":{"data":{"a":"b"},"stream":"orders"}}')).toBe(1);
    // an ambiguous name without a namespace matches no configured stream
    expect(peek(p, '{"type":"RECORD","record":{"stream":"dup","data":{}}}')).toBe(NOT_SURE);
    expect(peek(p, '{"type":"RECORD","record":{"stream":"dup","namespace":null,"data":{}}}')).toBe(NOT_SURE);
  });

  it('attributes a unique name regardless of namespace', () => {
    const p = new RecordPeeker(catalog);
    expect(peek(p, '{"type":"RECORD","record":{"stream":"users","data":{},"namespace":"whatever"}}')).toBe(0);
  });

  it('is not sure about anything unusual, so the caller parses it', () => {
    const p = new RecordPeeker(catalog);
    const unsure = [
      '{"type":"STATE","state":{"type":"STREAM"}}',
      '{"type":"LOG","log":{"level":"INFO","message":"{\\"type\\":\\"RECORD\\"}"}}',
      '{"record":{"stream":"users","data":{}},"type":"RECORD"}', // record before type
      '{"type":"RECORD","record":{"stream":"us\\u0065rs","data":{}}}', // escaped name
      '{"type":"RECORD","record":{"stream":"unknown","data":{}}}',
      '{"type":"RECORD","record":{"stream":"users","data":{"a":1', // truncated
      '{"type":"RECORD","record":{"stream":"users","data":{}}} trailing',
      'plain text',
      '{"type":"RE\\u0043ORD","record":{"stream":"users","data":{}}}',
      '{"ty\\u0070e":"RECORD","record":{"stream":"users","data":{}}}',
    ];
    for (const line of unsure) expect(peek(p, line), line).toBe(NOT_SURE);
  });

  it('never contradicts JSON.parse on what it accepts', () => {
    const p = new RecordPeeker(catalog);
    const lines = [
      '{"type":"RECORD","record":{"stream":"users","data":{"type":"STATE"}}}',
      '{"type": "RECORD", "record": {"stream": "orders", "data": {"q": "\\\\"}}}',
      '{"type":"RECORD","record":{"data":{"k":"\\\\\\"stream\\":\\"users"},"stream":"orders"}}',
    ];
    for (const line of lines) {
      const parsed = JSON.parse(line) as { record: { stream: string } };
      const index = peek(p, line);
      expect(catalog.streams[index]?.name, line).toBe(parsed.record.stream);
    }
  });
});

describe('RecordPeeker: record.data', () => {
  const catalog = catalogOf({ name: 'users' });
  it('is not sure about records without an object data', () => {
    const p = new RecordPeeker(catalog);
    for (const line of [
      '{"type":"RECORD","record":{"stream":"users"}}',
      '{"type":"RECORD","record":{"stream":"users","data":[1]}}',
      '{"type": "RECORD", "record": {"stream": "users", "data": "x"}}',
      '{"type":"RECORD","record":{"stream":"users","emitted_at":1}}',
    ]) {
      expect(peek(p, line), line).toBe(NOT_SURE);
    }
    expect(peek(p, '{"type":"RECORD","record":{"stream":"users","emitted_at":1,"data":{}}}')).toBe(0);
    expect(peek(p, '{"type":"RECORD","record":{"data":{"stream":"x"},"stream":"users"}}')).toBe(0);
  });
});

describe('RecordPeeker: namespaces on the fast path', () => {
  const catalog = catalogOf({ name: 'users', namespace: 'eu' }, { name: 'users', namespace: 'us' }, { name: 'solo', namespace: 'x' });

  it('reads a namespace before or right after the stream name, in both styles', () => {
    const p = new RecordPeeker(catalog);
    const cases: [string, number][] = [
      ['{"type":"RECORD","record":{"namespace":"eu","stream":"users","data":{},"emitted_at":1}}', 0],
      ['{"type":"RECORD","record":{"namespace":"us","stream":"users","data":{},"emitted_at":1}}', 1],
      ['{"type":"RECORD","record":{"namespace":"us","stream":"users","data":{},"emitted_at":1}}', 1],
      ['{"type":"RECORD","record":{"stream":"users","namespace":"eu","data":{},"emitted_at":1}}', 0],
      ['{"type": "RECORD", "record": {"namespace": "us", "stream": "users", "data": {}}}', 1],
      ['{"type": "RECORD", "record": {"stream": "users", "namespace": "eu", "data": {}}}', 0],
      // cached name, other namespace
      ['{"type":"RECORD","record":{"stream":"users","namespace":"us","data":{}}}', 1],
      // no namespace before data: ambiguous until the end of the record
      ['{"type":"RECORD","record":{"stream":"users","data":{"namespace":"eu"},"namespace":"us"}}', 1],
      ['{"type":"RECORD","record":{"stream":"users","data":{}}}', NOT_SURE],
      ['{"type":"RECORD","record":{"namespace":"asia","stream":"users","data":{}}}', NOT_SURE],
      ['{"type":"RECORD","record":{"namespace":null,"stream":"users","data":{}}}', NOT_SURE],
      // a unique name is attributed whatever its namespace says
      ['{"type":"RECORD","record":{"namespace":"other","stream":"solo","data":{}}}', 2],
      ['{"type":"RECORD","record":{"stream":"solo","data":{}}}', 2],
    ];
    for (const [line, expected] of cases) expect(peek(p, line), line).toBe(expected);
  });
});

describe('RecordPeeker: remembered prefixes', () => {
  it('keeps many interleaved streams apart, including names that prefix each other', () => {
    const names = ['user', 'users', 'users_x', ...Array.from({ length: 40 }, (_, i) => `s${i}`)];
    const catalog = catalogOf(...names.map((name) => ({ name })), { name: 'dup', namespace: 'a' }, { name: 'dup', namespace: 'a{b' });
    const p = new RecordPeeker(catalog);
    for (let round = 0; round < 3; round++) {
      names.forEach((name, i) => {
        expect(peek(p, `{"type":"RECORD","record":{"stream":"${name}","data":{"i":${round}}}}`)).toBe(i);
        expect(peek(p, `{"type": "RECORD", "record": {"stream": "${name}", "data": {"i": ${round}}}}`)).toBe(i);
      });
      expect(peek(p, '{"type":"RECORD","record":{"stream":"dup","namespace":"a{b","data":{}}}')).toBe(names.length + 1);
      expect(peek(p, '{"type":"RECORD","record":{"stream":"dup","namespace":"a","data":{}}}')).toBe(names.length);
    }
  });
});
