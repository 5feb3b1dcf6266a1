import { describe, expect, it } from 'vitest';
import { NOT_A_RECORD, RECORD_WITH_UNUSUAL_LAYOUT, readRecordHeader, type RecordHeader } from './record-header.js';

function header(line: string): string | number {
  const buf = Buffer.from(`garbage before\n${line}\nafter`);
  const start = buf.indexOf('\n') + 1;
  const end = buf.lastIndexOf('\n');
  const found: RecordHeader = { start: 0, end: 0 };
  const result = readRecordHeader(buf, start, end, found);
  return result > 0 ? buf.toString('utf8', found.start, found.end) : result;
}

describe('readRecordHeader', () => {
  it('finds the stream of compact records (our SDK, source-sample, the Python CDK)', () => {
    expect(header('{"type":"RECORD","record":{"stream":"users","data":{"stream":"x"},"emitted_at":1}}')).toBe('"stream":"users"');
    expect(header('{"type":"RECORD","record":{"stream":"users","namespace":"shop","data":{}}}')).toBe(
      '"stream":"users","namespace":"shop"',
    );
    expect(header('{"type":"RECORD","record":{"namespace":"shop","stream":"users","data":{}}}')).toBe(
      '"namespace":"shop","stream":"users"',
    );
    expect(header('{"type":"RECORD","record":{"namespace":null,"stream":"users","data":{}}}')).toBe('"namespace":null,"stream":"users"');
  });

  it('finds the stream with Python json.dumps spacing', () => {
    expect(header('{"type": "RECORD", "record": {"stream": "users", "data": {}, "emitted_at": 1}}')).toBe('"stream": "users"');
  });

  it('leaves unusual layouts to a full parse', () => {
    expect(header('{"type":"RECORD","record":{"data":{},"stream":"users"}}')).toBe(RECORD_WITH_UNUSUAL_LAYOUT);
    expect(header('{"type":"RECORD","record":{"stream":"us\\"ers","data":{}}}')).toBe(RECORD_WITH_UNUSUAL_LAYOUT);
    expect(header('{"type":"RECORD","record":{"stream":12,"data":{}}}')).toBe(RECORD_WITH_UNUSUAL_LAYOUT);
    expect(header('{"type":"RECORD","record":{"stream":"users')).toBe(RECORD_WITH_UNUSUAL_LAYOUT);
  });

  it('says when a line is not a record', () => {
    expect(header('{"type":"STATE","state":{}}')).toBe(NOT_A_RECORD);
    expect(header('{"record":{"stream":"users"},"type":"RECORD"}')).toBe(NOT_A_RECORD);
    expect(header('hello')).toBe(NOT_A_RECORD);
    expect(header('{"type":"REC')).toBe(NOT_A_RECORD);
  });
});
