/**
 * Fields written from a scanned line must be the bytes `writeField` writes for the value
 * JSON.parse gives (binary-fields.test.ts proves those against a real server), and a value
 * `writeField` would not write as it is must be handed back. jsonb is compared as JSON: its
 * text is copied, spaces and all, and the server reads it. A number token in a numeric
 * column is its exact decimal: numericWords of the token.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordScan } from '../destination-common/record-scan.js';
import { writeField } from './binary-fields.js';
import type { ColumnKind } from './column-types.js';
import { CopyBuffer } from './copy-buffer.js';
import { numericWords, parseTimestamp, timestampMicros } from './copy-values.js';
import { numericAt, timestampAt, writeScannedField } from './scanned-fields.js';

/** A line whose data has one field `v` written as `token`. */
function scanned(token: string): RecordScan {
  const buf = Buffer.from(`{"type":"RECORD","record":{"stream":"s","data":{"v":${token}}}}`);
  const scan = new RecordScan();
  if (!scan.scan(buf, 0, buf.length)) throw new Error(`not scanned: ${token}`);
  return scan;
}

function bytesOf(write: (out: CopyBuffer) => unknown): { result: unknown; bytes: Buffer } {
  const out = new CopyBuffer();
  const result = write(out);
  return { result, bytes: Buffer.concat(out.take()) };
}

/** Asserts the scanned path writes what writeField writes for JSON.parse's value, or declines when it does not write it as is. */
function expectSameField(kind: ColumnKind, token: string): void {
  const value: unknown = JSON.parse(token);
  // numeric takes a number token's exact decimal (numericWords proves it against the server)
  const exact = kind === 'numeric' && typeof value === 'number';
  const expected = bytesOf((out) => {
    if (!exact) return writeField(out, kind, value);
    const words = numericWords(token);
    if (words) out.int16s(words);
    return words ? 'written' : 'unfit';
  });
  const actual = bytesOf((out) => writeScannedField(out, kind, scanned(token), 0));
  expect(actual.result, `${kind} ${token}`).toBe(expected.result === 'written');
  if (actual.result !== true) return;
  if (kind === 'jsonb') {
    expect(actual.bytes[4]).toBe(1);
    expect(JSON.parse(actual.bytes.subarray(5).toString('utf8')), token).toStrictEqual(
      JSON.parse(expected.bytes.subarray(5).toString('utf8')),
    );
  } else
    expect(
      actual.bytes.equals(expected.bytes),
      `${kind} ${token}: ${actual.bytes.toString('hex')} vs ${expected.bytes.toString('hex')}`,
    ).toBe(true);
}

const KINDS: ColumnKind[] = [
  'text',
  'bigint',
  'numeric',
  'float8',
  'boolean',
  'date',
  'timestamptz',
  'timestamp',
  'time',
  'timetz',
  'jsonb',
  'json',
  'uuid',
];

/** Number tokens as sources write them, JSON.stringify's among them. */
const numberToken = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String),
  fc
    .tuple(
      fc.boolean(),
      fc.stringMatching(/^(0|[1-9]\d{0,20})$/),
      fc.stringMatching(/^\d{1,20}$/),
      fc.option(fc.integer({ min: -400, max: 400 })),
    )
    .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}.${frac}${exp === null ? '' : `e${exp}`}`),
);
const dateTimeToken = fc
  .tuple(
    fc.integer({ min: 0, max: 10000 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 24 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 61 }),
    fc.option(fc.stringMatching(/^\d{1,8}$/)),
    fc.constantFrom('', 'Z', '+00:00', '-08:00', '+05:30', '+15:59', '+16:00', '-00:30', '+0530', ' UTC'),
    fc.constantFrom('T', ' ', 't'),
  )
  .map(([y, mo, d, h, mi, s, frac, zone, sep]) => {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return JSON.stringify(`${p(y, 4)}-${p(mo)}-${p(d)}${sep}${p(h)}:${p(mi)}:${p(s)}${frac === null ? '' : `.${frac}`}${zone}`);
  });
const anyToken = fc.oneof(
  numberToken,
  dateTimeToken,
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v, null, 1).replaceAll('\n', ' ')),
  fc.string({ unit: 'binary' }).map((s) => JSON.stringify(s)),
  fc.uuid().map((u) => JSON.stringify(u)),
  fc.constantFrom(
    '{"a":1.50}',
    '{"a":1,"a":2}',
    '["\\u0000"]',
    '["\\ud800"]',
    '{"é":"ü"}',
    '"\\u00e9"',
    '"a\\/b"',
    'true',
    'false',
    '-0',
    '1E2',
  ),
);

describe('writeScannedField', () => {
  it.each(KINDS)('writes a %s column as writeField does', (kind) => {
    fc.assert(
      fc.property(anyToken, (token) => expectSameField(kind, token)),
      { numRuns: 3000 },
    );
  });

  it('copies text with non-ASCII bytes only when they are UTF-8, as decoding would keep them', () => {
    const scan = new RecordScan();
    const line = Buffer.concat([
      Buffer.from('{"type":"RECORD","record":{"stream":"s","data":{"v":"a'),
      Buffer.from([0xff, 0xe9]),
      Buffer.from('b"}}}'),
    ]);
    expect(scan.scan(line, 0, line.length)).toBe(true);
    const { bytes } = bytesOf((out) => writeScannedField(out, 'text', scan, 0));
    expect(bytes.subarray(4).toString('utf8')).toBe('a\ufffd\ufffdb');
  });
});

describe('numericAt', () => {
  it('gives numericWords for any plain decimal token', () => {
    const plain = fc
      .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9]\d{0,30})$/), fc.option(fc.stringMatching(/^\d{1,30}$/)))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(plain, (token) => {
        const buf = Buffer.from(token);
        const actual = bytesOf((out) => numericAt(out, buf, 0, buf.length));
        const expected = bytesOf((out) => out.int16s(numericWords(token)!));
        expect(actual.result).toBe(true);
        expect(actual.bytes.toString('hex'), token).toBe(expected.bytes.toString('hex'));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('timestampAt', () => {
  it('gives timestampMicros of parseTimestamp, or leaves the text to it', () => {
    fc.assert(
      fc.property(dateTimeToken, fc.boolean(), (token, withZone) => {
        const text = JSON.parse(token) as string;
        const buf = Buffer.from(text);
        const micros = timestampAt(buf, 0, buf.length, withZone);
        const moment = parseTimestamp(text);
        if (micros === undefined) return;
        expect(moment, text).toBeDefined();
        expect(micros, text).toBe(timestampMicros(moment!, withZone));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the shapes sources write most', () => {
    for (const text of ['2024-03-01T12:34:56Z', '2024-03-01T12:34:56.123456+05:30', '2024-03-01 00:00:00', '0050-06-15T12:00:00.5-08:00']) {
      const buf = Buffer.from(text);
      expect(timestampAt(buf, 0, buf.length, true), text).toBe(timestampMicros(parseTimestamp(text)!, true));
    }
  });
});
