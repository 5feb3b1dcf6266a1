/** destination-postgres append_dedup against a real server: one row per primary key. */
import { describe, expect, it } from 'vitest';
import { useDestinationDatabase } from '@tributary/testing/connectors';
import { builtinEntrypoint } from '../index.js';
import {
  catalogOf,
  configuredStream,
  ofType,
  recordLine,
  runToEnd,
  startConnector,
  streamStateLine,
  type StreamOptions,
} from '@tributary/testing/connectors';

const entry = builtinEntrypoint('destination-postgres')!;
const t = useDestinationDatabase('dest_pg_dedup');

const properties = {
  id: { type: 'integer' },
  region: { type: 'string' },
  updated_at: { type: 'string', format: 'date-time' },
  v: { type: 'string' },
};

/** One sync; each phase but the last ends with a state whose echo is awaited, so phases are separate batches. */
async function sync(stream: string, lines: string[], options: StreamOptions = {}, ...laterPhases: string[][]) {
  const catalog = catalogOf(
    configuredStream(stream, properties, { mode: 'append_dedup', primaryKey: [['id']], cursor: ['updated_at'], ...options }),
  );
  const run = await startConnector(entry, 'write', { config: t.config, catalog });
  const phases = [lines, ...laterPhases];
  for (const [i, phase] of phases.slice(0, -1).entries()) {
    await run.send([...phase, streamStateLine(stream, { phase: i })]);
    await run.waitFor((m) => m.type === 'STATE' && JSON.stringify(m.state.stream?.stream_state) === JSON.stringify({ phase: i }));
  }
  const { code, messages } = await runToEnd(run, phases.at(-1)!);
  expect(code, JSON.stringify(ofType(messages, 'TRACE'))).toBe(0);
}

const at = (day: number) => `2024-01-${String(day).padStart(2, '0')}T00:00:00Z`;
const rows = async (table: string, keys = 'id') =>
  (await t.client.query(`SELECT ${keys}, v FROM ${table} ORDER BY ${keys}`)).rows.map((r: Record<string, unknown>) => Object.values(r));

describe('destination-postgres append_dedup', () => {
  it('keeps exactly one row per primary key, the one with the greatest cursor, within and across batches and syncs', async () => {
    await sync(
      'dedup',
      [
        recordLine('dedup', { id: 1, updated_at: at(2), v: '1@2' }),
        recordLine('dedup', { id: 1, updated_at: at(5), v: '1@5' }),
        recordLine('dedup', { id: 1, updated_at: at(3), v: '1@3 (late, older)' }),
        recordLine('dedup', { id: 2, updated_at: at(1), v: '2@1' }),
      ],
      {},
      [
        recordLine('dedup', { id: 2, updated_at: at(4), v: '2@4' }),
        recordLine('dedup', { id: 1, updated_at: at(4), v: '1@4 (next batch, older)' }),
        recordLine('dedup', { id: 3, updated_at: at(1), v: '3@1' }),
      ],
    );
    expect(await rows('dedup')).toEqual([
      ['1', '1@5'],
      ['2', '2@4'],
      ['3', '3@1'],
    ]);
    await sync('dedup', [
      recordLine('dedup', { id: 3, updated_at: at(9), v: '3@9' }),
      recordLine('dedup', { id: 2, updated_at: at(3), v: '2@3 (older)' }),
      recordLine('dedup', { id: 4, updated_at: at(1), v: '4@1' }),
    ]);
    expect(await rows('dedup')).toEqual([
      ['1', '1@5'],
      ['2', '2@4'],
      ['3', '3@9'],
      ['4', '4@1'],
    ]);
  });

  it('gives ties on the cursor to the latest arrival, and ranks a NULL cursor lowest', async () => {
    await sync('ties', [
      recordLine('ties', { id: 1, updated_at: at(1), v: 'first' }),
      recordLine('ties', { id: 1, updated_at: at(1), v: 'second' }),
      recordLine('ties', { id: 2, updated_at: null, v: 'null cursor first' }),
      recordLine('ties', { id: 2, updated_at: at(1), v: 'dated' }),
      recordLine('ties', { id: 2, v: 'null cursor later' }),
      recordLine('ties', { id: 3, v: 'null a' }),
      recordLine('ties', { id: 3, v: 'null b' }),
    ]);
    await sync('ties', [
      recordLine('ties', { id: 1, updated_at: at(1), v: 'third, next sync' }),
      recordLine('ties', { id: 2, v: 'null cursor, next sync' }),
    ]);
    expect(await rows('ties')).toEqual([
      ['1', 'third, next sync'],
      ['2', 'dated'],
      ['3', 'null b'],
    ]);
  });

  it('lets the latest record win when the stream has no cursor', async () => {
    await sync('no_cursor', [recordLine('no_cursor', { id: 1, v: 'a' }), recordLine('no_cursor', { id: 1, v: 'b' })], { cursor: [] }, [
      recordLine('no_cursor', { id: 1, v: 'c' }),
    ]);
    expect(await rows('no_cursor')).toEqual([['1', 'c']]);
  });

  it('deduplicates composite keys, nested keys and keys with missing parts', async () => {
    const nestedProps = { ...properties, meta: { type: 'object' } };
    const catalog = catalogOf(
      configuredStream('composite', nestedProps, {
        mode: 'append_dedup',
        primaryKey: [['id'], ['region'], ['meta', 'shard']],
        cursor: ['updated_at'],
      }),
    );
    const lines = [
      recordLine('composite', { id: 1, region: 'eu', meta: { shard: 1 }, updated_at: at(1), v: 'eu1 old' }),
      recordLine('composite', { id: 1, region: 'eu', meta: { shard: 1 }, updated_at: at(2), v: 'eu1 new' }),
      recordLine('composite', { id: 1, region: 'eu', meta: { shard: 2 }, updated_at: at(1), v: 'eu1 shard 2' }),
      recordLine('composite', { id: 1, region: 'us', meta: { shard: 1 }, updated_at: at(1), v: 'us1' }),
      recordLine('composite', { id: 1, meta: { shard: 1 }, updated_at: at(1), v: 'no region old' }),
      recordLine('composite', { id: 1, region: null, meta: { shard: 1 }, updated_at: at(3), v: 'no region new' }),
    ];
    expect((await runToEnd(await startConnector(entry, 'write', { config: t.config, catalog }), lines)).code).toBe(0);
    // again, so the NULL-key rows are matched against existing rows too
    expect(
      (
        await runToEnd(await startConnector(entry, 'write', { config: t.config, catalog }), [
          recordLine('composite', { id: 1, meta: { shard: 1 }, updated_at: at(4), v: 'no region newest' }),
        ])
      ).code,
    ).toBe(0);
    const result = await t.client.query(`SELECT region, meta->>'shard' AS shard, v FROM composite ORDER BY region NULLS LAST, shard`);
    expect(result.rows).toEqual([
      { region: 'eu', shard: '1', v: 'eu1 new' },
      { region: 'eu', shard: '2', v: 'eu1 shard 2' },
      { region: 'us', shard: '1', v: 'us1' },
      { region: null, shard: '1', v: 'no region newest' },
    ]);
  });

  it('deduplicates large batches (flushed in several COPYs) down to one row per key', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++)
      lines.push(recordLine('large', { id: i % 500, updated_at: at(1 + (i % 28)), v: `${i}:${'x'.repeat(600)}` }));
    await sync('large', lines);
    const result = await t.client.query(`SELECT count(*) AS n, count(DISTINCT id) AS keys FROM large`);
    expect(result.rows[0]).toMatchObject({ n: '500', keys: '500' });
    // every key's best record has the greatest day it was sent with
    const wrong = await t.client.query(
      `SELECT id, updated_at FROM large WHERE extract(day FROM updated_at AT TIME ZONE 'UTC') <> (SELECT max(1 + (i % 28)) FROM generate_series(0, 29999) i WHERE i % 500 = id)`,
    );
    expect(wrong.rows).toEqual([]);
  });

  it('with minimum_generation_id = generation_id, removes rows of older generations at the end of the sync', async () => {
    await sync(
      'refresh_dedup',
      [
        recordLine('refresh_dedup', { id: 1, updated_at: at(9), v: 'gen1 newer cursor' }),
        recordLine('refresh_dedup', { id: 2, updated_at: at(1), v: 'gen1 only' }),
      ],
      { generationId: 1 },
    );
    await sync('refresh_dedup', [recordLine('refresh_dedup', { id: 1, updated_at: at(1), v: 'gen2' })], {
      generationId: 2,
      minimumGenerationId: 2,
    });
    expect(await rows('refresh_dedup')).toEqual([['1', 'gen2']]);
  });

  it('keeps apart records whose key values fail the column type (each NULL in the column), across batches', async () => {
    await sync(
      'uncastable',
      [
        recordLine('uncastable', { id: 'abc', updated_at: at(1), v: 'abc first' }),
        recordLine('uncastable', { id: 'def', updated_at: at(1), v: 'def' }),
        recordLine('uncastable', { id: 'abc', updated_at: at(2), v: 'abc newer' }),
        recordLine('uncastable', { id: 7, updated_at: at(1), v: '7' }),
      ],
      {},
      // the next batch: matched against the rows already merged
      [
        recordLine('uncastable', { id: 'def', updated_at: at(3), v: 'def newer' }),
        recordLine('uncastable', { id: null, updated_at: at(1), v: 'null' }),
      ],
    );
    const result = await t.client.query(
      // the raw value: the column's, else the raw record's (kept in rows with a nulled value)
      `SELECT coalesce(id::text, _airbyte_data->>'id') AS raw, id, v, _airbyte_meta->'changes' AS changes FROM uncastable ORDER BY raw NULLS LAST`,
    );
    expect(result.rows.map((r: { raw: string | null; id: string | null; v: string }) => [r.raw, r.id, r.v])).toEqual([
      ['7', '7', '7'],
      ['abc', null, 'abc newer'],
      ['def', null, 'def newer'],
      [null, null, 'null'],
    ]);
    // why the column is empty is said in the row
    expect(result.rows[1].changes).toEqual([{ field: 'id', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' }]);
  });
});
