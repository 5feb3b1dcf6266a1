/**
 * destination-postgres against a real server: rows without changes leave _airbyte_meta to
 * the column's default, set to the sync's empty meta, and every row still reads the meta it
 * would have had. When another writer owns the default, or readers hold the table, each row
 * carries its meta itself.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { adminQuery } from '@tributary/testing';
import {
  useDestinationDatabase,
  catalogOf,
  configuredStream,
  ofType,
  recordLine,
  runToEnd,
  startConnector,
  streamStateLine,
  type StreamOptions,
} from '@tributary/testing/connectors';
import { builtinEntrypoint } from '../index.js';
import { LOCK_META_DEFAULT_SQL } from './sql.js';

const entry = builtinEntrypoint('destination-postgres')!;
const t = useDestinationDatabase('dest_pg_meta_default');

const properties = { id: { type: 'integer' }, n: { type: 'integer' }, at: { type: 'string', format: 'date-time' } };
const modes: StreamOptions[] = [{ mode: 'append' }, { mode: 'overwrite' }, { mode: 'append_dedup', primaryKey: [['id']], cursor: ['at'] }];
const TYPECAST = { field: 'n', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' };

async function sync(stream: string, options: StreamOptions, lines: string[], config = t.config) {
  const { code, messages } = await runToEnd(
    await startConnector(entry, 'write', { config, catalog: catalogOf(configuredStream(stream, properties, options)) }),
    lines,
  );
  expect(code, JSON.stringify(ofType(messages, 'TRACE'))).toBe(0);
  return ofType(messages, 'LOG').map((m) => m.log.message);
}

/** Records 0..count-1; every third one has an `n` its column cannot hold (a typecast change), others a source change. */
function mixedLines(stream: string, count: number): string[] {
  const lines: string[] = [];
  for (let id = 0; id < count; id++) {
    const data = { id, n: id % 3 === 1 ? 'not a number' : id, at: '2024-01-01T00:00:00Z' };
    const meta = id % 7 === 5 ? { changes: [{ field: 'x', change: 'TRUNCATED', reason: 'SOURCE_RECORD_SIZE_LIMITATION' }] } : undefined;
    lines.push(
      meta ? JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: Date.now(), meta } }) : recordLine(stream, data),
    );
    if (id % 40 === 39) lines.push(streamStateLine(stream, { id }));
  }
  return lines;
}

/** What the meta of each mixed record must read. */
function expectedMeta(id: number, syncId: number): unknown {
  const changes = [
    ...(id % 7 === 5 ? [{ field: 'x', change: 'TRUNCATED', reason: 'SOURCE_RECORD_SIZE_LIMITATION' }] : []),
    ...(id % 3 === 1 ? [TYPECAST] : []),
  ];
  return { changes, sync_id: syncId };
}

const metaDefault = async (table: string) =>
  (
    await t.client.query<{ def: string | null }>(
      `SELECT pg_get_expr(d.adbin, d.adrelid) AS def FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = $1::regclass AND a.attname = '_airbyte_meta'`,
      [table],
    )
  ).rows[0]?.def ?? null;

const metas = async (table: string) =>
  (
    await t.client.query<{ id: string; meta: unknown }>(
      `SELECT id, _airbyte_meta AS meta FROM ${table} ORDER BY id, _airbyte_meta->'sync_id'`,
    )
  ).rows.map((r) => [Number(r.id), r.meta]);

describe('destination-postgres _airbyte_meta default', () => {
  for (const options of modes) {
    it(`${options.mode ?? ''}: rows without changes take the sync's empty meta from the column default; rows with changes keep theirs`, async () => {
      const stream = `meta_${options.mode}`;
      const count = 200;
      for (const syncId of [3, 4]) {
        await sync(stream, { ...options, syncId }, mixedLines(stream, count));
        // dedup loads through its own stage table: the final table's columns are left as they are
        expect(await metaDefault(stream)).toBe(options.mode === 'append_dedup' ? null : `'{"changes": [], "sync_id": ${syncId}}'::jsonb`);
        const rows = await metas(stream);
        const expected = Array.from({ length: count }, (_, id) => [id, expectedMeta(id, syncId)]);
        // append keeps the first sync's rows beside the second's
        expect(options.mode === 'append' && syncId === 4 ? rows.filter((_, i) => i % 2 === 1) : rows).toEqual(expected);
      }
    });
  }

  it('sends every meta once rows with and without changes alternate often, with the same result', async () => {
    // every other row has a typecast change: one COPY per row would be slow
    const lines = Array.from({ length: 300 }, (_, id) => recordLine('alternating', { id, n: id % 2 === 1 ? 'not a number' : id }));
    const logs = await sync('alternating', { syncId: 7 }, lines);
    expect(logs.filter((m) => m.includes('many rows with changes'))).toHaveLength(1);
    expect(await metas('alternating')).toEqual(
      Array.from({ length: 300 }, (_, id) => [id, { changes: id % 2 === 1 ? [TYPECAST] : [], sync_id: 7 }]),
    );
  });

  it('leaves the default alone and sends every meta when another sync holds the table', async () => {
    await sync('shared', { syncId: 1 }, [recordLine('shared', { id: -1, n: 1 })]);
    const other = new pg.Client({ connectionString: t.db.url });
    await other.connect();
    try {
      expect((await other.query(LOCK_META_DEFAULT_SQL, ['"public"."shared"'])).rows[0].locked).toBe(true);
      const logs = await sync('shared', { syncId: 2 }, mixedLines('shared', 30));
      expect(logs.some((m) => m.includes('another sync writes it'))).toBe(true);
      expect(await metaDefault('shared')).toBe(`'{"changes": [], "sync_id": 1}'::jsonb`);
      const rows = (await metas('shared')).slice(1);
      expect(rows).toEqual(Array.from({ length: 30 }, (_, id) => [id, expectedMeta(id, 2)]));
    } finally {
      await other.end();
    }
  });

  it('loads as a role that may write the table but not alter it: every meta is sent', async () => {
    await sync('not_owned', { syncId: 1 }, [recordLine('not_owned', { id: -1, n: 1 })]);
    const role = `loader_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD 'loader'`, t.db.adminUrl);
    try {
      await t.client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}; GRANT SELECT, INSERT ON not_owned TO ${role}`);
      const logs = await sync('not_owned', { syncId: 2 }, mixedLines('not_owned', 30), { ...t.config, username: role, password: 'loader' });
      expect(logs.some((m) => m.includes('this role may not alter it'))).toBe(true);
      expect(await metaDefault('not_owned')).toBe(`'{"changes": [], "sync_id": 1}'::jsonb`);
      expect((await metas('not_owned')).slice(1)).toEqual(Array.from({ length: 30 }, (_, id) => [id, expectedMeta(id, 2)]));
    } finally {
      await t.client.query(`DROP OWNED BY ${role}`);
      await adminQuery(`DROP ROLE IF EXISTS ${role}`, t.db.adminUrl);
    }
  });

  it('does not wait for a reader that holds the table: every meta is sent, and the sync goes on', async () => {
    await sync('busy', { syncId: 1 }, [recordLine('busy', { id: -1, n: 1 })]);
    const reader = new pg.Client({ connectionString: t.db.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM busy'); // holds ACCESS SHARE until it ends, like a long report
      const started = Date.now();
      const logs = await sync('busy', { syncId: 2 }, mixedLines('busy', 30));
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(logs.some((m) => m.includes('the table was busy'))).toBe(true);
      await reader.query('COMMIT');
      expect(await metaDefault('busy')).toBe(`'{"changes": [], "sync_id": 1}'::jsonb`);
      expect((await metas('busy')).slice(1)).toEqual(Array.from({ length: 30 }, (_, id) => [id, expectedMeta(id, 2)]));
    } finally {
      await reader.end();
    }
  });
});
