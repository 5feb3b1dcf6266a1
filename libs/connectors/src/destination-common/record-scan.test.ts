import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  booleanEnd,
  FieldLookup,
  nullEnd,
  plainDecimalEnd,
  plainIntegerEnd,
  plainStringEnd,
  RecordScan,
  ValueFlag,
  ValueKind,
  valueKindOf,
  scannedNamespace,
  scannedStream,
} from './record-scan.js';

const scanOf = (line: string | Buffer): RecordScan | undefined => {
  const buf = typeof line === 'string' ? Buffer.from(line) : line;
  const scan = new RecordScan();
  return scan.scan(buf, 0, buf.length) ? scan : undefined;
};

/** Entry n's value decoded on its own. */
function entryValue(scan: RecordScan, n: number): unknown {
  const string = scan.valueKind[n] === ValueKind.String;
  const start = scan.valueStart[n]!;
  const end = scan.valueEnd[n]!;
  return JSON.parse(scan.buf.toString('utf8', string ? start - 1 : start, string ? end + 1 : end));
}

function entryKey(scan: RecordScan, n: number): string {
  return JSON.parse(scan.buf.toString('utf8', scan.keyStart[n]! - 1, scan.keyEnd[n]! + 1)) as string;
}

/** What a scan says `data` is: each key's last entry, as JSON.parse keeps it. */
function scannedData(scan: RecordScan): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (let n = 0; n < scan.count; n++)
    Object.defineProperty(data, entryKey(scan, n), { value: entryValue(scan, n), enumerable: true, configurable: true });
  return data;
}

/** Asserts that an accepted line means what JSON.parse says it means. */
function expectAgreesWithJsonParse(line: Buffer): void {
  const scan = scanOf(line);
  if (!scan) return;
  const parsed = JSON.parse(line.toString('utf8')) as { type: string; record: Record<string, unknown> };
  expect(parsed.type).toBe('RECORD');
  expect(scannedStream(scan)).toBe(parsed.record['stream']);
  expect(scannedNamespace(scan)).toBe((parsed.record['namespace'] as string | null | undefined) || undefined);
  expect(scannedData(scan)).toStrictEqual(parsed.record['data']);
  const emittedAt = parsed.record['emitted_at'];
  if (emittedAt === undefined) expect(scan.emittedAtStart).toBe(-1);
  else expect(Number(scan.buf.toString('latin1', scan.emittedAtStart, scan.emittedAtEnd))).toBe(emittedAt);
  if (parsed.record['meta'] === undefined) expect(scan.metaStart).toBe(-1);
  else expect(JSON.parse(scan.buf.toString('utf8', scan.metaStart, scan.metaEnd))).toStrictEqual(parsed.record['meta']);
}

const text = fc.string({ unit: 'binary', maxLength: 12 });
const record = fc.record(
  {
    stream: text,
    namespace: fc.option(text),
    data: fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }),
    emitted_at: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    meta: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['stream', 'data'] },
);
/** a RECORD line, compact or with spaces everywhere JSON allows them */
const recordLine = fc.tuple(record, fc.boolean(), fc.boolean()).map(([r, spaced, recordFirst]) => {
  const message = recordFirst ? { record: r, type: 'RECORD' } : { type: 'RECORD', record: r };
  return Buffer.from(spaced ? ` ${JSON.stringify(message, null, 1).replaceAll('\n', ' \t')} ` : JSON.stringify(message));
});

describe('RecordScan', () => {
  it('takes a plain record and finds each part', () => {
    const scan = scanOf(
      '{"type":"RECORD","record":{"stream":"users","data":{"id":7,"name":"Ann","tags":["a",{"b":null}],"ok":true,"x":null},"emitted_at":1700000000000}}',
    )!;
    expect(scannedStream(scan)).toBe('users');
    expect(scannedNamespace(scan)).toBeUndefined();
    expect(scan.count).toBe(5);
    expect([...scan.valueKind.subarray(0, 5)]).toEqual([
      ValueKind.Number,
      ValueKind.String,
      ValueKind.Array,
      ValueKind.True,
      ValueKind.Null,
    ]);
    expect(scannedData(scan)).toStrictEqual({ id: 7, name: 'Ann', tags: ['a', { b: null }], ok: true, x: null });
  });

  it('takes a record of more fields than its arrays first hold (they grow): every key, value, kind and flag kept', () => {
    // 200 fields, past the 64 the arrays start with; escaped keys and strings, non-ASCII, numbers, objects
    const data: Record<string, unknown> = {};
    for (let k = 0; k < 200; k++)
      data[k % 3 === 0 ? `k${k}"q` : `k${k}`] = [`é${k}`, k / 4, { z: k, a: [k] }, `plain${k}\n`, k % 4 === 0, null][k % 6];
    const scan = scanOf(JSON.stringify({ type: 'RECORD', record: { stream: 's', data } }))!;
    expect(scan.count).toBe(200);
    expect(scannedData(scan)).toStrictEqual(data);
    const kinds = [ValueKind.String, ValueKind.Number, ValueKind.Object, ValueKind.String, ValueKind.True, ValueKind.Null];
    for (let n = 0; n < 200; n++) {
      expect(scan.valueKind[n]).toBe(n % 6 === 4 && n % 4 !== 0 ? ValueKind.False : kinds[n % 6]);
      expect((scan.keyFlags[n]! & ValueFlag.Escaped) !== 0).toBe(n % 3 === 0);
    }
    expect(scan.valueFlags[0]! & ValueFlag.NonAscii).not.toBe(0);
    expect(scan.valueFlags[195]! & ValueFlag.Escaped).not.toBe(0);
  });

  it.each([
    ['another message type', '{"type":"STATE","state":{"type":"LEGACY","data":{}}}'],
    ['a record without data', '{"type":"RECORD","record":{"stream":"s"}}'],
    ['a record without its stream', '{"type":"RECORD","record":{"data":{}}}'],
    ['data that is not an object', '{"type":"RECORD","record":{"stream":"s","data":[1]}}'],
    ['a null emitted_at', '{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":null}}'],
    ['a numeric namespace', '{"type":"RECORD","record":{"stream":"s","namespace":1,"data":{}}}'],
    ['a top-level key written twice', '{"type":"RECORD","type":"RECORD","record":{"stream":"s","data":{}}}'],
    ['a record key written twice', '{"type":"RECORD","record":{"stream":"s","stream":"t","data":{}}}'],
    ['an escaped type', '{"type":"RECOR\\u0044","record":{"stream":"s","data":{}}}'],
    ['trailing text', '{"type":"RECORD","record":{"stream":"s","data":{}}} x'],
    ['a trailing comma', '{"type":"RECORD","record":{"stream":"s","data":{"a":1,}}}'],
    ['a leading zero', '{"type":"RECORD","record":{"stream":"s","data":{"a":01}}}'],
    ['a bare fraction point', '{"type":"RECORD","record":{"stream":"s","data":{"a":1.}}}'],
    ['a raw tab in a string', '{"type":"RECORD","record":{"stream":"s","data":{"a":"x\ty"}}}'],
    ['a bad escape', '{"type":"RECORD","record":{"stream":"s","data":{"a":"\\x"}}}'],
    ['a short \\u escape', '{"type":"RECORD","record":{"stream":"s","data":{"a":"\\u12"}}}'],
    ['an unclosed string', '{"type":"RECORD","record":{"stream":"s","data":{"a":"x}}}'],
    ['nesting deeper than 64', `{"type":"RECORD","record":{"stream":"s","data":{"a":${'['.repeat(70)}${']'.repeat(70)}}}}`],
    ['plain text', 'hello'],
  ])('leaves %s to JSON.parse', (_what, line) => {
    expect(scanOf(line)).toBeUndefined();
  });

  it('agrees with JSON.parse on any record line', () => {
    fc.assert(
      fc.property(recordLine, (line) => {
        expect(scanOf(line)).toBeDefined();
        expectAgreesWithJsonParse(line);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the same fields with a hint from the records before, whatever they held', () => {
    const fields = ['a', 'b', 'c', 'a"b', 'é', ''];
    const key = fc.constantFrom(...fields, 'ab', 'a\\"b', 'other');
    const data = fc.array(fc.tuple(key, fc.jsonValue({ maxDepth: 1 })), { maxLength: 8 });
    fc.assert(
      fc.property(fc.array(data, { minLength: 1, maxLength: 5 }), (records) => {
        const hinted = new FieldLookup(fields);
        const plain = new FieldLookup(fields);
        const scan = new RecordScan();
        for (const entries of records) {
          // written by hand: keys may repeat
          const line = Buffer.from(
            `{"type":"RECORD","record":{"stream":"s","data":{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}}}`,
          );
          const [withHint, without] = [new Int32Array(fields.length), new Int32Array(fields.length)];
          scan.hint = hinted;
          expect(scan.scan(line, 0, line.length)).toBe(true);
          hinted.match(scan, withHint);
          plain.match(scanOf(line)!, without);
          expect([...withHint]).toEqual([...without]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a damaged line only when JSON.parse does, and then means the same', () => {
    const damaged = fc
      .tuple(recordLine, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('delete', 'insert', 'replace'))
      .map(([line, at, byte, how]) => {
        const i = at % line.length;
        const bytes = [...line];
        if (how === 'delete') bytes.splice(i, 1);
        else if (how === 'insert') bytes.splice(i, 0, byte);
        else bytes[i] = byte;
        return Buffer.from(bytes);
      });
    fc.assert(
      fc.property(damaged, (line) => {
        if (scanOf(line)) expect(() => JSON.parse(line.toString('utf8'))).not.toThrow();
        expectAgreesWithJsonParse(line);
      }),
      { numRuns: 5000 },
    );
  });

  it('flags strings with escapes or non-ASCII bytes and numbers JSON.stringify would rewrite', () => {
    const scan = scanOf(
      '{"type":"RECORD","record":{"stream":"s","data":{"a":"x\\ny","b":"é","c":1.50,"d":1e3,"e":-0,"f":0.0000001,"g":0.5,"h":12345678901234567,"i":{"k":"\\u0000"}}}}',
    )!;
    const flags = [...scan.valueFlags.subarray(0, scan.count)];
    expect(flags[0]! & 1).toBe(1); // Escaped
    expect(flags[1]! & 2).toBe(2); // NonAscii
    for (const n of [2, 3, 4, 5, 7]) expect(flags[n]! & 16).toBe(16); // NonCanonicalNumber
    expect(flags[6]! & 16).toBe(0);
    expect(flags[3]! & 32).toBe(32); // Exponent
    expect(flags[8]! & 4).toBe(4); // UnicodeEscape, gathered from inside the object
  });
});

describe('plain token readers', () => {
  // a token, then what may follow it in a line (or nothing: the line ends there)
  const token = fc.oneof(
    fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    fc.constantFrom(
      '0123',
      '-',
      '-0',
      '1.',
      '.5',
      '1e5',
      '1E+2',
      '2.50',
      '12345678901234',
      '123456789012345',
      '1234567890123456',
      'tru',
      'nul',
    ),
    fc.string({ maxLength: 6 }).map((s) => `"${s}`),
    // non-ASCII and control characters, raw or escaped
    fc.string({ unit: 'binary', maxLength: 4 }).chain((s) => fc.constantFrom(JSON.stringify(s), `"${s}"`)),
  );
  const follower = fc.constantFrom('', ',', '}', ' ', '.', 'e', 'x', '"', '5');
  const readers = [
    // each reader, and what valueAt says of a value it takes
    { read: plainStringEnd, kind: ValueKind.String, flagsNot: ValueFlag.Escaped | ValueFlag.NonAscii },
    { read: plainIntegerEnd, kind: ValueKind.Number, flagsNot: ValueFlag.Fraction },
    { read: plainDecimalEnd, kind: ValueKind.Number, flagsNot: ValueFlag.Exponent },
  ];

  it('take a token only where valueAt takes a value of their kind that ends at the same byte', () => {
    const values = new RecordScan();
    fc.assert(
      fc.property(token, follower, fc.boolean(), (t, after, endsEarly) => {
        // the line may end right after the token, with its newline and the next line behind it
        const buf = Buffer.from(t + after + (endsEarly ? '\n1' : ''));
        const end = endsEarly ? Buffer.byteLength(t + after) : buf.length;
        for (const { read, kind, flagsNot } of readers) {
          const next = read(buf, 0, end);
          if (next < 0) continue;
          expect(values.valueAt(buf, 0, end), `${read.name} ${t + after}`).toBe(next);
          expect(valueKindOf(buf[0]!)).toBe(kind);
          expect(values.valueFlagsAt & flagsNot).toBe(0);
          if (read === plainIntegerEnd) expect(next).toBeLessThanOrEqual(15);
        }
        for (const [read, literal] of [
          [booleanEnd, /^(true|false)/],
          [nullEnd, /^null/],
        ] as const) {
          const next = read(buf, 0, end);
          expect(next >= 0, t + after).toBe(literal.test(buf.toString('latin1', 0, end)));
          if (next >= 0) expect(values.valueAt(buf, 0, end)).toBe(next);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('take what JSON.stringify writes in their forms', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ -!#-[\]-~]*$/),
        fc.integer({ min: -(10 ** 13), max: 10 ** 14 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (s, n, d) => {
          const text = Buffer.from(JSON.stringify(s));
          expect(plainStringEnd(text, 0, text.length)).toBe(text.length);
          const integer = Buffer.from(JSON.stringify(n));
          expect(plainIntegerEnd(integer, 0, integer.length)).toBe(integer.length);
          const decimal = Buffer.from(JSON.stringify(d));
          expect(plainDecimalEnd(decimal, 0, decimal.length)).toBe(decimal.includes('e') ? -1 : decimal.length);
        },
      ),
    );
  });
});

describe('FieldLookup', () => {
  it('finds each field whatever the order, the last of a key written twice, and escaped keys', () => {
    const lookup = new FieldLookup(['a', 'b', 'ü', 'a\\\\b']);
    const entryOf = new Int32Array(4);
    const lines = [
      '{"type":"RECORD","record":{"stream":"s","data":{"a":1,"b":2,"ü":3}}}',
      '{"type":"RECORD","record":{"stream":"s","data":{"b":1,"zz":0,"a":2}}}',
      '{"type":"RECORD","record":{"stream":"s","data":{"\\u0061":1,"b":2,"b":3}}}',
      // the JSON key a\\b is the three characters a\b: not the field named a\\b
      '{"type":"RECORD","record":{"stream":"s","data":{"a\\\\b":1}}}',
      '{"type":"RECORD","record":{"stream":"s","data":{"a\\\\\\\\b":1}}}',
    ];
    const found = lines.map((line) => {
      lookup.match(scanOf(line)!, entryOf);
      return [...entryOf];
    });
    // hinted: each key is first compared in place with the field at its place in the last record
    const scan = new RecordScan();
    const hinted = lines.map((line) => {
      const buf = Buffer.from(line);
      scan.hint = lookup;
      expect(scan.scan(buf, 0, buf.length)).toBe(true);
      lookup.match(scan, entryOf);
      return [...entryOf];
    });
    expect(hinted).toEqual(found);
    expect(found).toEqual([
      [0, 1, 2, -1],
      [2, 0, -1, -1],
      [0, 2, -1, -1],
      [-1, -1, -1, -1],
      [-1, -1, -1, 0],
    ]);
  });
});
