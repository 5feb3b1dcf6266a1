/**
 * Binary COPY fields against a real server: every value the destination writes in binary
 * must read back exactly as Postgres's own text input of the same value (offset-less
 * date-times taken as UTC), and values a column cannot hold are refused before COPY.
 */
import { once } from 'node:events';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { useDestinationDatabase } from '@tributary/testing/connectors';
import { writeField } from './binary-fields.js';
import { POSTGRES_TYPE, type ColumnKind } from './column-types.js';
import { BINARY_COPY_HEADER, BINARY_COPY_TRAILER, CopyBuffer } from './copy-buffer.js';

const t = useDestinationDatabase('dest_pg_binary');

const TIMESTAMPS = [
  '2024-03-01T12:34:56Z',
  '2024-03-01T12:34:56.123456+05:30',
  '2024-03-01 00:00:00',
  '1999-12-31T23:59:59-08:00',
  '2024-02-29',
  '2024-01-01T10:20',
  '2024-01-01T10:20:30+0530',
  '2024-01-01T10:20:30-08',
  '2024-01-01T10:20:30 UTC',
  '2024-01-01t10:20:30z',
  '2024-01-01T10:20:30 GMT',
  '0001-01-01T00:00:00Z',
  '0050-06-15T12:00:00Z',
  '0099-12-31T23:59:60Z',
  '1500-03-01T00:00:00+15:59',
  '9999-12-31T23:59:59.999999Z',
  '1999-12-31T23:59:60Z',
  '2024-01-01T10:00:00.0000005Z',
  '2024-01-01T10:00:00.0000015Z',
  '2024-01-01T10:00:00.0000025Z',
  '2024-01-01T10:00:00.9999999Z',
  '2024-01-01T10:00:00.123456789Z',
  '1969-07-20T20:17:40.5-00:30',
  '2024-01-01T10:00:00.5Z',
  '2024-01-01T10:00:00.123Z',
  '1970-01-01T00:00:00.000001Z',
];

const VALUES: [ColumnKind, unknown[]][] = [
  ['timestamptz', TIMESTAMPS],
  ['timestamp', TIMESTAMPS],
  ['date', ['2024-02-29', '0001-01-01', '9999-12-31', '0099-12-31', '0100-03-01', '1900-02-28', '2000-01-01', '1999-12-31']],
  ['time', ['00:00', '23:59:59.999999', '23:59:60', '12:34:56.5+05:00', '10:00Z', '10:00:00.0000005', '23:59:59.9999999']],
  ['timetz', ['10:00+02:00', '10:00-03:30', '10:00', '23:59:60Z', '10:00 UTC', '00:00:00.25+15:59', '12:00-1530']],
  [
    'numeric',
    [
      '0',
      '-0',
      '1',
      '-1',
      '0.0001',
      '1e-7',
      '1.5e3',
      '123456789.125',
      '-2.5e20',
      '00012.3400',
      '.5',
      '5.',
      '+7',
      '1E+21',
      '-1.5E-3',
      '99999999.99990000',
      '1e1000',
      '-1e-1000',
      '12345678901234567890.123456789012345678901234567890',
      '0.000000000000000000000000000001',
      1e21,
      0.1 + 0.2,
      -0,
      9007199254740991,
      5e-324,
      1.7976931348623157e308,
    ],
  ],
  ['float8', ['1.5', 1e300, '-2.5e-300', 0.1, '0', -0, 5e-324]],
  ['bigint', ['-9223372036854775808', '9223372036854775807', 9007199254740993, 2 ** 62, -(2 ** 63), 0, '+12', '-0']],
  ['uuid', ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc999c0b4ef8bb6d6bb9bd380a11']],
  ['boolean', [true, false]],
  ['text', ['plain', 'tab\there\nnew line', 'é 中文 🚀', '', '\\N', 42, 1.5, { a: [1] }]],
  ['jsonb', [{ a: 1, b: [true, null, 'x'] }, 'a string', 12.5, [], { nested: { deep: '\u00e9\u2028' } }]],
  ['json', [{ b: 1, a: 2 }, [1, 2]]],
];

/** COPYs `values` as binary fields into a fresh one-column table of `kind`; rows keep their order through `n`. */
async function copyBinary(table: string, kind: ColumnKind, values: readonly unknown[]): Promise<void> {
  await t.client.query(`CREATE TABLE ${table} (n int, v ${POSTGRES_TYPE[kind]})`);
  const out = new CopyBuffer();
  for (const [n, value] of values.entries()) {
    out.row(2);
    out.int32(n);
    expect(writeField(out, kind, value), `${kind} ${JSON.stringify(value)}`).toBe('written');
  }
  const stream = t.client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary)`));
  for (const chunk of [BINARY_COPY_HEADER, ...out.take()]) stream.write(chunk);
  stream.end(BINARY_COPY_TRAILER);
  await once(stream, 'finish');
}

/** Postgres's text input of the value, as the text COPY of earlier versions sent it. */
function textInput(kind: ColumnKind, value: unknown): string {
  if (typeof value === 'string' && kind !== 'jsonb' && kind !== 'json') return value;
  if (typeof value === 'number' && kind === 'bigint') return BigInt(value).toString();
  return typeof value === 'number' && kind !== 'jsonb' ? String(value) : JSON.stringify(value);
}

describe('binary COPY fields', () => {
  it.each(VALUES)('%s values read back as Postgres reads their text', async (kind, values) => {
    await t.client.query(`SET TimeZone = 'UTC'`);
    const table = `binary_${kind}`;
    await copyBinary(table, kind, values);
    const type = POSTGRES_TYPE[kind];
    const result = await t.client.query<{ n: number; stored: string; expected: string }>(
      `SELECT n, v::text AS stored, (input::${type})::text AS expected
       FROM ${table} JOIN unnest($1::text[]) WITH ORDINALITY AS i(input, ord) ON ord = n + 1 ORDER BY n`,
      [values.map((v) => textInput(kind, v))],
    );
    expect(result.rows).toHaveLength(values.length);
    for (const row of result.rows) expect(row.stored, `${kind} ${textInput(kind, values[row.n])}`).toBe(row.expected);
  });

  it.each<[ColumnKind, unknown[]]>([
    ['bigint', ['9223372036854775808', 2 ** 63, 1.5, true, '1e3', 'abc']],
    ['numeric', ['NaN', 'Infinity', '1,5', '1e1001', '', true, Number.NaN]],
    ['float8', ['1e400', 'NaN', Infinity, 'abc']],
    ['date', ['2023-02-29', '0000-01-01', '2024-1-1', 20240101]],
    [
      'timestamptz',
      [
        'yesterday',
        '2023-02-29T00:00:00Z',
        '2024-01-01T10:00:00.Z',
        '2024-01-01T10:0a:00Z',
        '2024-01-01T24:00:00Z',
        '2024-13-01',
        '2024-01-01T10:00+16:00',
        1704067200,
      ],
    ],
    ['time', ['25:00', '23:59:60.5', '10:61']],
    ['uuid', ['not-a-uuid', 'a0eebc999c0b4ef8bb6d6bb9bd380a1']],
    ['boolean', ['true', 1]],
  ])('%s refuses values its column cannot hold, writing nothing', (kind, values) => {
    for (const value of values) {
      const out = new CopyBuffer();
      expect(writeField(out, kind, value), `${kind} ${JSON.stringify(value)}`).toBe('unfit');
      expect(out.bytes).toBe(0);
    }
  });
});
