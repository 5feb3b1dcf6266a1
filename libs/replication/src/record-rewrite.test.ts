import { describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { DestinationNames } from './destination-names.js';
import { NOT_SURE, RecordPeeker } from './record-peek.js';
import { RecordRewriter } from './record-rewrite.js';
import { StreamCatalog } from './stream-catalog.js';
import type { DestinationNaming } from './types.js';

function rewriterFor(naming: DestinationNaming, ...streams: { name: string; namespace?: string }[]): RecordRewriter {
  const configured: ConfiguredAirbyteCatalog = {
    streams: streams.map((s) => ({
      stream: { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}), json_schema: {}, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    })),
  };
  const catalog = new StreamCatalog(configured);
  const names = DestinationNames.of(naming, catalog)!;
  return new RecordRewriter(
    new RecordPeeker(catalog),
    names.recordHeads(),
    catalog.streams.map((s) => s.namespace !== undefined),
  );
}

/** The line as the pump would forward it (in a buffer with other bytes around), or NOT_SURE. */
function rewrite(rw: RecordRewriter, line: string): string | typeof NOT_SURE {
  const buf = Buffer.from(`xx\n${line}\nyy`);
  const start = 3;
  const end = start + Buffer.byteLength(line);
  const index = rw.peek(buf, start, end);
  if (index === NOT_SURE) return NOT_SURE;
  if (!rw.head) return buf.toString('utf8', start, end);
  return rw.head.toString() + buf.toString('utf8', rw.bodyStart, rw.cutStart) + buf.toString('utf8', rw.cutEnd, end);
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
