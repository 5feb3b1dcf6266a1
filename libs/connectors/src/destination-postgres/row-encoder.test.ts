import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordScan } from '../destination-common/record-scan.js';
import { CopyBuffer } from './copy-buffer.js';
import { RowEncoder, type RowEncoderOptions } from './row-encoder.js';

/** The fields of each binary COPY row in `out` (null for NULL). */
function rows(out: CopyBuffer): (Buffer | null)[][] {
  const bytes = Buffer.concat(out.take());
  const result: (Buffer | null)[][] = [];
  let at = 0;
  while (at < bytes.length) {
    const count = bytes.readInt16BE(at);
    at += 2;
    const fields: (Buffer | null)[] = [];
    for (let i = 0; i < count; i++) {
      const length = bytes.readInt32BE(at);
      at += 4;
      fields.push(length < 0 ? null : bytes.subarray(at, at + length));
      at += Math.max(length, 0);
    }
    result.push(fields);
  }
  return result;
}

const jsonb = (field: Buffer | null) => (field ? { version: field[0], json: field.subarray(1).toString('utf8') } : null);

function encodeAll(options: RowEncoderOptions, ...data: Record<string, unknown>[]) {
  const encoder = new RowEncoder(options);
  const out = new CopyBuffer();
  for (const d of data) encoder.encode({ stream: 's', data: d, emitted_at: Date.UTC(2000, 0, 1, 0, 0, 1) }, out);
  return { encoder, rows: rows(out) };
}

const columns: RowEncoderOptions['columns'] = [
  { field: 'id', name: 'id', kind: 'bigint' },
  { field: 'name', name: 'name', kind: 'text' },
  { field: 'when', name: 'when', kind: 'timestamptz' },
];

describe('RowEncoder', () => {
  it('writes the typed fields, then the airbyte columns, the raw record and the sequence, in binary', () => {
    const options: RowEncoderOptions = {
      columns,
      generationId: 7,
      syncId: 3,
      withSequence: true,
      primaryKey: [['id']],
      rawData: 'every_row',
    };
    expect(RowEncoder.columnNames(columns, true)).toEqual([
      'id',
      'name',
      'when',
      '_airbyte_raw_id',
      '_airbyte_extracted_at',
      '_airbyte_meta',
      '_airbyte_generation_id',
      '_airbyte_data',
      '_airbyte_seq',
    ]);
    const { rows: written } = encodeAll(options, { id: 1, name: 'a\tb', when: '2000-01-01T00:00:02Z' }, { id: 2 });
    const [id, name, when, rawId, extractedAt, meta, generation, data, seq] = written[0]!;
    expect(id!.readBigInt64BE()).toBe(1n);
    expect(name!.toString('utf8')).toBe('a\tb');
    expect(when!.readBigInt64BE()).toBe(2_000_000n); // microseconds from 2000-01-01
    expect(rawId).toHaveLength(16);
    expect(rawId![6]! >> 4).toBe(4); // version 4
    expect(extractedAt!.readBigInt64BE()).toBe(1_000_000n);
    expect(jsonb(meta!)).toEqual({ version: 1, json: '{"changes":[],"sync_id":3}' });
    expect(generation!.readBigInt64BE()).toBe(7n);
    expect(jsonb(data!)).toEqual({ version: 1, json: '{"id":1,"name":"a\\tb","when":"2000-01-01T00:00:02Z"}' });
    expect(seq!.readBigInt64BE()).toBe(0n);
    expect(written[1]!.at(-1)!.readBigInt64BE()).toBe(1n);
    expect(written[1]![3]!.toString('hex')).not.toBe(written[0]![3]!.toString('hex'));
  });

  it('nulls what the column cannot hold, records why, and notes rows with a null key', () => {
    const { encoder, rows: written } = encodeAll(
      { columns, generationId: 1, primaryKey: [['id']], rawData: 'every_row' },
      { id: 'x', when: 'soon' },
    );
    const [id, name, when, , , meta] = written[0]!;
    expect([id, name, when]).toEqual([null, null, null]);
    expect(JSON.parse(jsonb(meta!)!.json).changes).toEqual([
      { field: 'id', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
      { field: 'when', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
    ]);
    expect(encoder.nullKeySeen).toBe(true);
    encoder.resetBatch();
    expect(encoder.nullKeySeen).toBe(false);
  });

  it('without raw data in every row, keeps the raw record only in rows with a value nulled by its column', () => {
    const { rows: written } = encodeAll(
      { columns: [{ field: 'id', name: 'id', kind: 'bigint' }], generationId: 1, rawData: 'when_nulled' },
      { id: 1, extra: 'x' },
      { id: 'one' },
    );
    expect(written[0]!.at(-1)).toBeNull();
    expect(jsonb(written[1]!.at(-1)!)).toEqual({ version: 1, json: '{"id":"one"}' });
  });

  it('reads an absent field named like an Object.prototype member as missing', () => {
    const { rows: written } = encodeAll(
      { columns: [{ field: 'constructor', name: 'constructor', kind: 'text' }], generationId: 1, rawData: 'when_nulled' },
      {},
      { constructor: 'Ferrari' },
    );
    expect(written[0]![0]).toBeNull();
    expect(written[1]![0]!.toString('utf8')).toBe('Ferrari');
  });
});

/** a column of each kind the scanned path writes on its own, fields f0..f7 */
const kinds = ['text', 'bigint', 'numeric', 'float8', 'boolean', 'timestamptz', 'jsonb', 'uuid'] as const;
const wide: RowEncoderOptions['columns'] = kinds.map((kind, i) => ({ field: `f${i}`, name: `c${i}`, kind }));
const wideOptions = (metaDefault: boolean): RowEncoderOptions => ({
  columns: wide,
  generationId: 4,
  syncId: 9,
  withSequence: true,
  primaryKey: [['f1']],
  rawData: 'when_nulled',
  metaDefault,
});

describe('RowEncoder.encodeScanned', () => {
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    // big objects of plain values, whose keys the scanned path sends in jsonb's order
    fc.dictionary(fc.stringMatching(/^[a-z_]{1,6}$/), fc.oneof(fc.integer(), fc.boolean(), fc.stringMatching(/^[a-z ]{0,8}$/)), {
      minKeys: 8,
      maxKeys: 12,
    }),
    fc.double({ noNaN: true }),
    fc.constantFrom('2024-03-01T12:34:56Z', '2024-03-01T12:34:56.5+05:30', 'soon', '3b241101-e2bb-4255-8caf-4136c566a962', 'a\u0000b'),
  );
  const data = fc.dictionary(fc.constantFrom('f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'other'), value);
  const meta = fc.constantFrom(
    undefined,
    null,
    {},
    { changes: [] },
    { changes: [{ field: 'f0', change: 'TRUNCATED', reason: 'SOURCE_RECORD_SIZE_LIMITATION' }] },
  );

  const jsonbAt = kinds.indexOf('jsonb');
  /** The row with its random _airbyte_raw_id blanked, and its jsonb as the value it holds (a big object's keys may come sorted). */
  const comparable = (row: (Buffer | null)[], rawIdAt: number) =>
    row.map((field, i) => (i === rawIdAt ? 'raw id' : i === jsonbAt && field ? JSON.parse(jsonb(field)!.json) : field?.toString('hex')));

  it('writes the row encode writes, or declines exactly when the row records a change; with a meta default, only such rows have a meta', () => {
    const rawIdAt = wide.length;
    fc.assert(
      fc.property(data, meta, fc.integer({ min: 0, max: 2 ** 45 }), fc.boolean(), (d, m, emittedAt, metaDefault) => {
        const options = wideOptions(metaDefault);
        const record = { stream: 's', data: d, emitted_at: emittedAt, ...(m === undefined ? {} : { meta: m }) };
        const line = Buffer.from(JSON.stringify({ type: 'RECORD', record }));
        const parsed = JSON.parse(line.toString()) as { record: typeof record };
        const scan = new RecordScan();
        expect(scan.scan(line, 0, line.length)).toBe(true);
        const [viaScan, viaParse] = [new RowEncoder(options), new RowEncoder(options)];
        const scannedOut = new CopyBuffer();
        scannedOut.row(1);
        scannedOut.text('before');
        const taken = viaScan.encodeScanned(scan, scannedOut);
        const parsedOut = new CopyBuffer();
        parsedOut.row(1);
        parsedOut.text('before');
        const withMeta = viaParse.encode(parsed.record as never, parsedOut, scan);
        expect(withMeta).toBe(!taken || !metaDefault);
        const expected = rows(parsedOut).slice(1);
        expect(expected[0]).toHaveLength(RowEncoder.columnNames(wide, true, withMeta).length);
        if (!taken) {
          expect(Buffer.concat(scannedOut.take()).length, 'nothing left behind').toBe(12);
          expect(JSON.parse(jsonb(expected[0]![rawIdAt + 2]!)!.json).changes.length).toBeGreaterThan(0);
          return;
        }
        const actual = rows(scannedOut).slice(1);
        expect(actual.map((r) => comparable(r, rawIdAt))).toEqual(expected.map((r) => comparable(r, rawIdAt)));
        expect(viaScan.nullKeySeen).toBe(viaParse.nullKeySeen);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('RowEncoder.encodeTemplated', () => {
  const fields = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'other'];
  const rawIdAt = wide.length;
  // mostly values that fit their column (as in a real sync), now and then anything
  const odd = fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('a\u0000b', 'é', 'x"y', 'soon', 1e21, -0, 0.1));
  const fitting = [
    fc.stringMatching(/^[a-z ]{0,8}$/),
    // past 15 digits an integer takes the long way
    fc.oneof(fc.integer(), fc.maxSafeInteger()),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constantFrom('2024-03-01T12:34:56Z', '2024-03-01T12:34:56.5+05:30', '1999-12-31 23:59:59.123456Z'),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('3b241101-e2bb-4255-8caf-4136c566a962', '00000000-0000-0000-0000-000000000000'),
    fc.jsonValue({ maxDepth: 1 }),
  ];
  const values = fc.tuple(...fitting.map((arbitrary) => fc.oneof({ weight: 12, arbitrary }, { weight: 1, arbitrary: odd })));
  /** JSON as Python's json.dumps writes it: a space after each comma and colon */
  const spaced = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(spaced).join(', ')}]`
      : v !== null && typeof v === 'object'
        ? `{${Object.entries(v)
            .map(([k, x]) => `${JSON.stringify(k)}: ${spaced(x)}`)
            .join(', ')}}`
        : JSON.stringify(v);
  /** a sync's lines: mostly one layout (fields, their order, the envelope), now and then another */
  const line = fc.record({
    layout: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    values,
    emittedAt: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 2 ** 45 }) },
      { weight: 1, arbitrary: fc.constantFrom(1.5, -0, 1e3, null) },
    ),
    // now and then bytes after the message: spaces scan takes, anything else it refuses
    after: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', 'x', '}', ',') }),
    meta: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          { changes: [] },
          { changes: [{ field: 'f0', change: 'TRUNCATED', reason: 'SOURCE_RECORD_SIZE_LIMITATION' }] },
        ),
      },
    ),
  });
  const layouts = fc.array(
    fc.record({
      keys: fc.oneof({ weight: 3, arbitrary: fc.subarray(fields) }, { weight: 1, arbitrary: fc.shuffledSubarray(fields) }),
      emittedAtFirst: fc.boolean(),
      spaces: fc.boolean(),
      typeLast: fc.boolean(),
    }),
    { minLength: 4, maxLength: 4 },
  );
  /** lines the template took, by whether the layout's fields come in the columns' order (written in one pass) */
  const templated = { inOrder: 0, otherwise: 0 };

  it('writes the rows encodeScanned writes, for the lines it takes, and takes most lines of one layout', () => {
    fc.assert(
      fc.property(layouts, fc.array(line, { minLength: 1, maxLength: 40 }), fc.boolean(), (shapes, lines, metaDefault) => {
        const [viaTemplate, viaScan] = [new RowEncoder(wideOptions(metaDefault)), new RowEncoder(wideOptions(metaDefault))];
        const [templateOut, scanOut] = [new CopyBuffer(), new CopyBuffer()];
        const scan = new RecordScan();
        for (const l of lines) {
          const shape = shapes[l.layout]!;
          const data = Object.fromEntries(shape.keys.map((k) => [k, l.values[fields.indexOf(k)]]));
          const record = shape.emittedAtFirst
            ? { stream: 's', emitted_at: l.emittedAt, data, ...(l.meta === undefined ? {} : { meta: l.meta }) }
            : { stream: 's', data, emitted_at: l.emittedAt, ...(l.meta === undefined ? {} : { meta: l.meta }) };
          const message = shape.typeLast ? { record, type: 'RECORD' } : { type: 'RECORD', record };
          const text = (shape.spaces ? spaced(message) : JSON.stringify(message)) + l.after;
          // a line inside a bigger buffer, as the reader hands them over
          const buf = Buffer.from(`${text}\n{"type":"RECORD"}`);
          const end = Buffer.byteLength(text);
          const scanned = scan.scan(buf, 0, end);
          const written = scanned && viaScan.encodeScanned(scan, scanOut);
          let took = viaTemplate.encodeTemplated(buf, 0, end, templateOut);
          const inOrder = shape.keys.every((k, i) => i === 0 || fields.indexOf(k) > fields.indexOf(shape.keys[i - 1]!));
          if (took) templated[inOrder ? 'inOrder' : 'otherwise']++;
          else took = scan.scan(buf, 0, end) && viaTemplate.encodeScanned(scan, templateOut);
          expect(took, text).toBe(written);
          // a null key is noted by the line that has it
          expect(viaTemplate.nullKeySeen, text).toBe(viaScan.nullKeySeen);
          viaTemplate.resetBatch();
          viaScan.resetBatch();
        }
        const comparable = (out: CopyBuffer) =>
          rows(out).map((row) => row.map((field, i) => (i === rawIdAt ? 'raw id' : field?.toString('hex'))));
        expect(comparable(templateOut)).toEqual(comparable(scanOut));
      }),
      { numRuns: 1500 },
    );
    // the property held for lines the template took, in both its ways, not only for those it left to encodeScanned
    expect(templated.inOrder).toBeGreaterThan(1000);
    expect(templated.otherwise).toBeGreaterThan(300);
  });

  it('gives up on templates when the layout changes from line to line, and still writes every row', () => {
    const encoder = new RowEncoder(wideOptions(true));
    const scan = new RecordScan();
    const out = new CopyBuffer();
    let taken = 0;
    for (let i = 0; i < 200; i++) {
      // two layouts in turn: each line is a miss for the template the line before left
      const data = i % 2 === 0 ? { f0: `a${i}`, f1: i } : { f0: `b${i}`, f2: i / 2 };
      const line = Buffer.from(JSON.stringify({ type: 'RECORD', record: { stream: 's', data, emitted_at: 1 } }));
      if (encoder.encodeTemplated(line, 0, line.length, out)) taken++;
      else expect(scan.scan(line, 0, line.length) && encoder.encodeScanned(scan, out)).toBe(true);
    }
    expect(taken).toBe(0);
    const written = rows(out);
    expect(written).toHaveLength(200);
    expect(written.map((row) => row[0]!.toString())).toEqual(Array.from({ length: 200 }, (_, i) => `${i % 2 === 0 ? 'a' : 'b'}${i}`));
    // the same layout again: it stays on the long way (templates were given up on after the trial)
    const again = Buffer.from(JSON.stringify({ type: 'RECORD', record: { stream: 's', data: { f0: 'c', f1: 1 }, emitted_at: 1 } }));
    expect(scan.scan(again, 0, again.length) && encoder.encodeScanned(scan, out)).toBe(true);
    expect(encoder.encodeTemplated(again, 0, again.length, out)).toBe(false);
  });
});
