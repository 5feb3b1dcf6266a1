/**
 * destination-postgres against a real PostgreSQL server, run as a process: typed
 * tables, value round trips, names, schemas.
 */
import { describe, expect, it } from 'vitest';
import { useDestinationDatabase } from '@tributary/testing/connectors';
import { builtinEntrypoint } from '../index.js';
import { postgresIdentifier } from './identifiers.js';
import { catalogOf, configuredStream, ofType, recordLine, runToEnd, startConnector, streamStateLine } from '@tributary/testing/connectors';

const entry = builtinEntrypoint('destination-postgres')!;
const t = useDestinationDatabase('dest_pg_tables');

async function sync(catalog: unknown, lines: string[], configOverride: Record<string, unknown> = {}) {
  const run = await startConnector(entry, 'write', { config: { ...t.config, ...configOverride }, catalog });
  const result = await runToEnd(run, lines);
  if (result.code !== 0)
    throw new Error(`sync failed (${result.code}): ${JSON.stringify(ofType(result.messages, 'TRACE'))} ${run.stderr()}`);
  return result;
}

async function columnTypes(schema: string, table: string): Promise<Record<string, string>> {
  const result = await t.client.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [schema, table],
  );
  return Object.fromEntries(result.rows.map((r) => [r.column_name, r.data_type]));
}

describe('destination-postgres tables', () => {
  it('creates one typed column per top-level property plus the airbyte columns', async () => {
    const properties = {
      s: { type: 'string' },
      ts: { type: 'string', format: 'date-time' },
      ts_local: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
      d: { type: 'string', format: 'date' },
      t: { type: 'string', format: 'time' },
      i: { type: 'integer' },
      n: { type: 'number' },
      n_int: { type: 'number', airbyte_type: 'integer' },
      b: { type: 'boolean' },
      o: { type: 'object', properties: { x: { type: 'string' } } },
      a: { type: 'array', items: { type: 'integer' } },
      nullable: { type: ['null', 'string'] },
      union: { type: ['string', 'integer'] },
      any_of_one: { anyOf: [{ type: 'null' }, { type: 'integer' }] },
      untyped: {},
    };
    await sync(catalogOf(configuredStream('typed', properties)), []);
    expect(await columnTypes('public', 'typed')).toEqual({
      _airbyte_raw_id: 'uuid',
      _airbyte_extracted_at: 'timestamp with time zone',
      _airbyte_meta: 'jsonb',
      _airbyte_generation_id: 'bigint',
      s: 'text',
      ts: 'timestamp with time zone',
      ts_local: 'timestamp without time zone',
      d: 'date',
      t: 'time without time zone',
      i: 'bigint',
      n: 'numeric',
      n_int: 'bigint',
      b: 'boolean',
      o: 'jsonb',
      a: 'jsonb',
      nullable: 'text',
      union: 'jsonb',
      any_of_one: 'bigint',
      untyped: 'jsonb',
      _airbyte_data: 'jsonb',
    });
  });

  it('round-trips strings, numbers, booleans, timestamps, nested values and nulls', async () => {
    const properties = {
      id: { type: 'integer' },
      s: { type: 'string' },
      n: { type: 'number' },
      b: { type: 'boolean' },
      ts: { type: 'string', format: 'date-time' },
      d: { type: 'string', format: 'date' },
      o: { type: 'object' },
      a: { type: 'array' },
    };
    const tricky = [
      'tab\there',
      'new\nline',
      'cr\rlf\r\n',
      'quote " and \' both',
      'back\\slash \\N \\. \\\\',
      'unicode: é 中文 🚀 \u2028',
      '',
      ' leading and trailing ',
      '\\',
      'comma, "csv" style',
    ];
    const records: Record<string, unknown>[] = tricky.map((s, i) => ({
      id: i,
      s,
      n: [0, -1, 1.5, 1e-7, 123456789.125, 9007199254740991, -2.5e20, 0.1, 3, 4][i],
      b: i % 2 === 0,
      ts: ['2024-03-01T12:34:56Z', '2024-03-01T12:34:56.123456+05:30', '2024-03-01 00:00:00', '1999-12-31T23:59:59-08:00'][i % 4],
      d: '2024-02-29',
      o: { nested: { s, list: [1, 'two', null, { deep: true }] }, empty: {} },
      a: [s, i, null, [i]],
    }));
    records.push({ id: 100, s: null, n: null, b: null, ts: null, d: null, o: null, a: null });
    records.push({ id: 101 }); // absent fields
    const emittedAt = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    // raw_data: the raw record's JSON goes through the same escaping
    await sync(
      catalogOf(configuredStream('values', properties)),
      [...records.map((r) => recordLine('values', r, undefined, emittedAt)), streamStateLine('values', { done: true })],
      { raw_data: true },
    );

    const rows = (await t.client.query('SELECT * FROM "values" ORDER BY id')).rows;
    expect(rows).toHaveLength(records.length);
    for (const [i, s] of tricky.entries()) {
      const row = rows[i];
      const record = records[i]!;
      expect(row.s).toBe(s);
      expect(Number(row.n)).toBe(record['n']);
      expect(row.b).toBe(record['b']);
      expect(row.o).toEqual(record['o']);
      expect(row.a).toEqual(record['a']);
      expect(row._airbyte_data).toEqual(record);
      expect(row._airbyte_meta).toEqual({ changes: [], sync_id: 1 });
      expect(row._airbyte_extracted_at.getTime()).toBe(emittedAt);
      expect(row._airbyte_generation_id).toBe('1');
    }
    // timestamps compared as instants
    const instants = await t.client.query<{ id: string; ts: Date; d: string }>(
      `SELECT id, ts, d::text AS d FROM "values" WHERE id < 4 ORDER BY id`,
    );
    expect(instants.rows.map((r) => r.ts.toISOString())).toEqual([
      '2024-03-01T12:34:56.000Z',
      '2024-03-01T07:04:56.123Z',
      '2024-03-01T00:00:00.000Z',
      '2000-01-01T07:59:59.000Z',
    ]);
    expect(instants.rows[0]!.d).toBe('2024-02-29');
    expect(rows[tricky.length]).toMatchObject({ s: null, n: null, b: null, ts: null, d: null, o: null, a: null });
    expect(rows[tricky.length + 1]).toMatchObject({ s: null, n: null, o: null });
    const ids = new Set(rows.map((r) => r._airbyte_raw_id));
    expect(ids.size).toBe(records.length);
  });

  it('stores big objects whose keys are out of order (sent in jsonb order) with every key and value', async () => {
    const address = {
      id: 1,
      customer_id: 2,
      first_name: 'Ada',
      last_name: 'L',
      city: 'Kyoto',
      zip: '07410',
      default: true,
      country_code: 'JP',
    };
    const tricky = {
      'z\u00e9': 1,
      'quote"d': 2,
      'back\\slash': 3,
      ü: 4,
      '': 5,
      'tab\t': 6,
      '10': 7,
      '2': 8,
      nested: { ...address, extra: [address] },
    };
    const values = [address, tricky, { list: [address, { ...address, city: 'Lima' }] }];
    await sync(
      catalogOf(configuredStream('big_objects', { id: { type: 'integer' }, o: { type: 'object' } })),
      values.map((o, id) => recordLine('big_objects', { id, o })),
    );
    const rows = (await t.client.query<{ o: unknown }>('SELECT o FROM big_objects ORDER BY id')).rows;
    expect(rows.map((r) => r.o)).toEqual(values);
    // what the server stored is exactly what the source sent, compared as jsonb by the server itself
    const same = await t.client.query<{ same: boolean }>('SELECT bool_and(o = ($1::jsonb)->(id::int)) AS same FROM big_objects', [
      JSON.stringify(values),
    ]);
    expect(same.rows[0]!.same).toBe(true);
  });

  it('drops NUL characters, which Postgres cannot store, and records the change', async () => {
    const properties = { id: { type: 'integer' }, s: { type: 'string' }, o: { type: 'object' } };
    await sync(
      catalogOf(configuredStream('nul', properties)),
      [recordLine('nul', { id: 1, s: 'a\u0000b', o: { k: 'x\u0000y', literal: '\\u0000 stays' } })],
      { raw_data: true },
    );
    const row = (await t.client.query('SELECT s, o, _airbyte_data, _airbyte_meta FROM nul')).rows[0];
    expect(row.s).toBe('ab');
    expect(row.o).toEqual({ k: 'xy', literal: '\\u0000 stays' });
    expect(row._airbyte_data).toEqual({ id: 1, s: 'ab', o: { k: 'xy', literal: '\\u0000 stays' } });
    expect(row._airbyte_meta.changes).toEqual([
      { field: 's', change: 'TRUNCATED', reason: 'DESTINATION_SERIALIZATION_ERROR' },
      { field: 'o', change: 'TRUNCATED', reason: 'DESTINATION_SERIALIZATION_ERROR' },
    ]);
  });

  it('stores NULL with a typecast change for values the column type cannot hold, keeping them in _airbyte_data', async () => {
    const properties = {
      i: { type: 'integer' },
      d: { type: 'string', format: 'date' },
      ts: { type: 'string', format: 'date-time' },
      b: { type: 'boolean' },
      n: { type: 'number' },
    };
    const data = { i: 2 ** 64, d: '2024-02-30', ts: 'yesterday', b: 'yes', n: 'many' };
    await sync(catalogOf(configuredStream('casts', properties)), [
      JSON.stringify({
        type: 'RECORD',
        record: {
          stream: 'casts',
          data,
          emitted_at: Date.now(),
          meta: { changes: [{ field: 'x', change: 'TRUNCATED', reason: 'SOURCE_FIELD_SIZE_LIMITATION' }] },
        },
      }),
      recordLine('casts', { i: '42', d: '2024-02-28', ts: '2024-02-28T10:00:00+01:00', b: false, n: '1.25e3' }),
    ]);
    const rows = (await t.client.query('SELECT i, d::text, ts, b, n::text, _airbyte_meta, _airbyte_data FROM casts ORDER BY i NULLS FIRST'))
      .rows;
    expect(rows[0]).toMatchObject({ i: null, d: null, ts: null, b: null, n: null, _airbyte_data: data });
    expect(rows[0]._airbyte_meta.changes).toEqual([
      { field: 'x', change: 'TRUNCATED', reason: 'SOURCE_FIELD_SIZE_LIMITATION' },
      ...['i', 'd', 'ts', 'b', 'n'].map((field) => ({ field, change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' })),
    ]);
    expect(rows[1]).toMatchObject({ i: '42', d: '2024-02-28', b: false, n: '1250' });
    expect(rows[1].ts.toISOString()).toBe('2024-02-28T09:00:00.000Z');
  });

  it('reads date-times without an offset as UTC, whatever the server time zone', async () => {
    await t.client.query(`ALTER DATABASE ${t.db.connection.database} SET TimeZone = 'America/New_York'`);
    try {
      const properties = {
        ts: { type: 'string', format: 'date-time' },
        tt: { type: 'string', format: 'time', airbyte_type: 'time_with_timezone' },
      };
      await sync(catalogOf(configuredStream('zoneless', properties)), [
        recordLine('zoneless', { ts: '2024-01-01T00:00:00', tt: '10:00:00' }),
      ]);
      const row = (await t.client.query(`SELECT ts, tt::text AS tt FROM zoneless`)).rows[0];
      expect(row.ts.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      expect(row.tt).toBe('10:00:00+00');
    } finally {
      await t.client.query(`ALTER DATABASE ${t.db.connection.database} RESET TimeZone`);
    }
  });

  it('stores NULL with a typecast change for a number an existing double precision column cannot hold', async () => {
    await t.client.query(`CREATE TABLE doubles (_airbyte_raw_id uuid, _airbyte_extracted_at timestamptz, _airbyte_meta jsonb,
      _airbyte_generation_id bigint, id bigint, x double precision, _airbyte_data jsonb)`);
    await sync(catalogOf(configuredStream('doubles', { id: { type: 'integer' }, x: { type: 'number' } })), [
      recordLine('doubles', { id: 1, x: '1e400' }),
      recordLine('doubles', { id: 2, x: 2.5 }),
    ]);
    const rows = (await t.client.query(`SELECT id, x, _airbyte_meta->'changes' AS changes FROM doubles ORDER BY id`)).rows;
    expect(rows).toEqual([
      { id: '1', x: null, changes: [{ field: 'x', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' }] },
      { id: '2', x: 2.5, changes: [] },
    ]);
  });

  it('keeps a number exactly as the source wrote it in a numeric column, also in a row that falls back to the parsed record', async () => {
    // written by hand: JSON.stringify of a JS number could not write these
    const line = (id: number, n: string, i = '1') =>
      `{"type":"RECORD","record":{"stream":"exact","data":{"id":${id},"n":${n},"i":${i}},"emitted_at":0}}`;
    await sync(catalogOf(configuredStream('exact', { id: { type: 'integer' }, n: { type: 'number' }, i: { type: 'integer' } })), [
      line(1, '0.1000000000000000055511151231257827'),
      line(2, '1.50'),
      line(3, '1e400'),
      line(4, '-12345678901234567890.125'),
      line(5, '2.5e-3'),
      // i is not an integer: this row is encoded from the parsed record, with n still exact
      line(6, '0.30000000000000000001', '1.5'),
    ]);
    const rows = (
      await t.client.query(`SELECT id, n::text AS n, i, jsonb_array_length(_airbyte_meta->'changes') AS changes FROM exact ORDER BY id`)
    ).rows;
    expect(rows).toEqual([
      { id: '1', n: '0.1000000000000000055511151231257827', i: '1', changes: 0 },
      { id: '2', n: '1.50', i: '1', changes: 0 },
      { id: '3', n: `1${'0'.repeat(400)}`, i: '1', changes: 0 },
      { id: '4', n: '-12345678901234567890.125', i: '1', changes: 0 },
      { id: '5', n: '0.0025', i: '1', changes: 0 },
      { id: '6', n: '0.30000000000000000001', i: null, changes: 1 },
    ]);
  });

  it('quotes any stream or field name and shortens names longer than 63 bytes without collisions', async () => {
    const long = 'x'.repeat(100);
    const fields = ['weird name', 'a"b', 'select', long, `${long}_other`, 'Ünïcødé ✓', '_airbyte_meta', 'MixedCase', "it's"];
    const properties = Object.fromEntries(fields.map((f) => [f, { type: 'string' }]));
    const streams = ['weird name', 'a"b', 'select', `${'s'.repeat(100)}`];
    await sync(
      catalogOf(...streams.map((s) => configuredStream(s, properties))),
      streams.map((s) => recordLine(s, Object.fromEntries(fields.map((f) => [f, `${s}/${f}`])))),
    );
    const tables = (
      await t.client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)
    ).rows.map((r) => r.table_name);
    for (const stream of streams) {
      const table = postgresIdentifier(stream);
      expect(tables).toContain(table);
      expect(Buffer.byteLength(table)).toBeLessThanOrEqual(63);
      const columns = Object.keys(await columnTypes('public', table));
      expect(columns).toHaveLength(5 + fields.length);
      expect(columns.every((c) => Buffer.byteLength(c) <= 63)).toBe(true);
      const row = (await t.client.query(`SELECT * FROM "public".${'"' + table.replaceAll('"', '""') + '"'}`)).rows[0];
      // every field landed in its own column, and the destination's _airbyte_meta kept its meaning
      const valuesByColumn = Object.entries(row).filter(([, v]) => typeof v === 'string' && v.startsWith(`${stream}/`));
      expect(valuesByColumn.map(([, v]) => v).sort()).toEqual(fields.map((f) => `${stream}/${f}`).sort());
      expect(row._airbyte_meta).toEqual({ changes: [], sync_id: 1 });
      expect(row['weird name']).toBe(`${stream}/weird name`);
      expect(row['a"b']).toBe(`${stream}/a"b`);
      expect(row['select']).toBe(`${stream}/select`);
      expect(row['MixedCase']).toBe(`${stream}/MixedCase`);
      expect(row[postgresIdentifier(long)]).toBe(`${stream}/${long}`);
      expect(row[postgresIdentifier(`${long}_other`)]).toBe(`${stream}/${long}_other`);
    }
  });

  it('writes a namespaced stream to the schema of that name, others to the configured schema', async () => {
    const properties = { id: { type: 'integer' } };
    await sync(
      catalogOf(configuredStream('orders', properties, { namespace: 'Sales Team' }), configuredStream('orders', properties)),
      [recordLine('orders', { id: 1 }, 'Sales Team'), recordLine('orders', { id: 2 }), recordLine('orders', { id: 3 })],
      { schema: 'analytics' },
    );
    expect((await t.client.query('SELECT id FROM "Sales Team".orders')).rows).toEqual([{ id: '1' }]);
    expect((await t.client.query('SELECT id FROM analytics.orders ORDER BY id')).rows).toEqual([{ id: '2' }, { id: '3' }]);
  });

  it('adds columns for new schema properties and keeps the type of existing columns', async () => {
    await sync(catalogOf(configuredStream('evolving', { id: { type: 'integer' }, v: { type: 'integer' } })), [
      recordLine('evolving', { id: 1, v: 10 }),
    ]);
    await sync(catalogOf(configuredStream('evolving', { id: { type: 'integer' }, v: { type: 'string' }, added: { type: 'boolean' } })), [
      recordLine('evolving', { id: 2, v: '20', added: true }),
      recordLine('evolving', { id: 3, v: 'not a number', added: false }),
    ]);
    expect(await columnTypes('public', 'evolving')).toMatchObject({ v: 'bigint', added: 'boolean' });
    const rows = (await t.client.query('SELECT id, v, added, _airbyte_meta FROM evolving ORDER BY id')).rows;
    expect(rows.map((r) => [r.id, r.v, r.added])).toEqual([
      ['1', '10', null],
      ['2', '20', true],
      ['3', null, false],
    ]);
    expect(rows[2]._airbyte_meta.changes).toEqual([{ field: 'v', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' }]);
  });
});
