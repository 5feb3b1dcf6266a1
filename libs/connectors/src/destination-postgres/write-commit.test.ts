/**
 * destination-postgres commit rules, against a real server: a STATE is echoed only
 * once the records before it are committed; uncommitted rows never show; failures are
 * reported as TRACE errors with the right failure type.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@tributary/testing';
import { useDestinationDatabase } from '@tributary/testing/connectors';
import { builtinEntrypoint } from '../index.js';
import {
  catalogOf,
  configuredStream,
  globalStateLine,
  ofType,
  recordLine,
  runToEnd,
  startConnector,
  streamStateLine,
  type StreamOptions,
} from '@tributary/testing/connectors';

const entry = builtinEntrypoint('destination-postgres')!;
const t = useDestinationDatabase('dest_pg_commit');

const properties = { id: { type: 'integer' }, updated_at: { type: 'integer' }, padding: { type: 'string' } };
const count = async (table: string) => Number((await t.client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
const tableExists = async (table: string) => (await t.client.query(`SELECT to_regclass($1) AS t`, [table])).rows[0].t !== null;
const stateWith = (cursor: number) => (m: { type: string; state?: { stream?: { stream_state?: unknown } } }) =>
  m.type === 'STATE' && JSON.stringify(m.state?.stream?.stream_state) === JSON.stringify({ cursor });

/** Enough records to pass the flush threshold, so they reach Postgres before any state. */
const bulk = (stream: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => recordLine(stream, { id: from + i, updated_at: 1, padding: 'p'.repeat(1000) }));

describe('destination-postgres commits', () => {
  it('echoes a state only after the records before it are committed, with their count', async () => {
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalogOf(configuredStream('echo', properties)) });
    await run.send([...[1, 2, 3].map((id) => recordLine('echo', { id })), streamStateLine('echo', { cursor: 1 })]);
    const first = await run.waitFor(stateWith(1));
    // the moment the state is out, its records are visible to any other connection
    expect(await count('echo')).toBe(3);
    expect(first).toMatchObject({ type: 'STATE', state: { destinationStats: { recordCount: 3 } } });

    await run.send([...[4, 5].map((id) => recordLine('echo', { id })), streamStateLine('echo', { cursor: 2 })]);
    const second = await run.waitFor(stateWith(2));
    expect(await count('echo')).toBe(5);
    expect(second).toMatchObject({ state: { destinationStats: { recordCount: 2 }, stream: { stream_state: { cursor: 2 } } } });
    expect((await run.finish()).code).toBe(0);
  });

  it('sends rows while the database is idle, 8 MiB at a time: not only once 16 MiB are buffered, nor in COPYs of 1 MiB; they show at the next commit', async () => {
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalogOf(configuredStream('eager', properties)) });
    // ~9.3 MB of rows, about 1 KB each
    await run.send(bulk('eager', 1, 9000));
    // stdin stays open and no state has come: the rows are in the table's file, not yet visible
    const size = async () => Number((await t.client.query(`SELECT pg_relation_size('eager') AS n`)).rows[0].n);
    const sent = await waitFor(
      '8 MiB of rows in the table file',
      async () => ((await size()) >= 8 * 1024 * 1024 ? await size() : undefined),
      15_000,
      50,
    );
    expect(sent).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(await count('eager')).toBe(0);
    // in one COPY: the database, idle at each of them, used to get one per MiB (~1,000 rows)
    const loaded = await run.waitFor((m) => m.type === 'LOG' && /^loaded \d+ rows/.test(m.log.message));
    expect(Number(/^loaded (\d+) rows/.exec(loaded.type === 'LOG' ? loaded.log.message : '')?.[1])).toBeGreaterThanOrEqual(7500);
    await run.send([streamStateLine('eager', { cursor: 1 })]);
    await run.waitFor(stateWith(1));
    expect(await count('eager')).toBe(9000);
    expect((await run.finish()).code).toBe(0);
  });

  it('commits only the records its echoed states cover: those after the last state wait for the next one', async () => {
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalogOf(configuredStream('covered', properties)) });
    // one write: the records after the state arrive in the same input chunk as those before it
    await run.send([
      ...[1, 2].map((id) => recordLine('covered', { id })),
      streamStateLine('covered', { cursor: 1 }),
      recordLine('covered', { id: 3 }),
    ]);
    await run.waitFor(stateWith(1));
    expect(await count('covered')).toBe(2);
    // killed before another state: record 3 was never committed, so the source sending it again duplicates nothing
    await run.kill('SIGKILL');
    expect(await count('covered')).toBe(2);
  });

  it('goes on reading while the database is slow, queueing batches, and echoes every state in order once its rows are committed', async () => {
    const catalog = catalogOf(configuredStream('queued', properties));
    expect(
      (await runToEnd(await startConnector(entry, 'write', { config: t.config, catalog }), [recordLine('queued', { id: 0 })])).code,
    ).toBe(0);
    // a SHARE lock lets the table be read but holds every COPY into it back, like a slow server
    const locker = new pg.Client({ connectionString: t.db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE queued IN SHARE MODE');
      const run = await startConnector(entry, 'write', { config: t.config, catalog });
      // 3 MB in 30 commits: far more than a pipe holds, so it is all read only if batches queue up behind the held one
      const lines: string[] = [];
      for (let id = 1; id <= 3000; id++) {
        lines.push(recordLine('queued', { id, padding: `${id}`.padEnd(1000, 'q') }));
        if (id % 100 === 0) lines.push(streamStateLine('queued', { cursor: id }));
      }
      const sent = run.send(lines).then(() => 'read');
      expect(await Promise.race([sent, new Promise((resolve) => setTimeout(() => resolve('still waiting to be read'), 20_000))])).toBe(
        'read',
      );
      expect(ofType(run.messages, 'STATE')).toHaveLength(0);
      expect(await count('queued')).toBe(1);
      await locker.query('COMMIT');
      expect((await run.finish()).code).toBe(0);
      const states = ofType(run.messages, 'STATE');
      expect(states.map((m) => (m.state.stream?.stream_state as { cursor: number }).cursor)).toEqual(
        Array.from({ length: 30 }, (_, k) => (k + 1) * 100),
      );
      expect(states.every((m) => m.state.destinationStats?.recordCount === 100)).toBe(true);
      const rows = await t.client.query<{ id: string; padding: string | null }>('SELECT id, padding FROM queued ORDER BY id');
      expect(rows.rows.map((r) => [Number(r.id), r.padding])).toEqual(
        Array.from({ length: 3001 }, (_, id) => [id, id === 0 ? null : `${id}`.padEnd(1000, 'q')]),
      );
    } finally {
      await locker.end();
    }
  });

  it('counts records per stream for stream states and across streams for global states', async () => {
    const catalog = catalogOf(configuredStream('count_a', properties), configuredStream('count_b', properties));
    const perStream = await runToEnd(await startConnector(entry, 'write', { config: t.config, catalog }), [
      recordLine('count_a', { id: 1 }),
      recordLine('count_b', { id: 1 }),
      recordLine('count_a', { id: 2 }),
      streamStateLine('count_a', { cursor: 'a' }),
      recordLine('count_b', { id: 2 }),
      streamStateLine('count_b', { cursor: 'b' }),
      recordLine('count_a', { id: 3 }),
      streamStateLine('count_a', { cursor: 'a2' }),
    ]);
    expect(perStream.code).toBe(0);
    expect(ofType(perStream.messages, 'STATE').map((m) => m.state.destinationStats?.recordCount)).toEqual([2, 2, 1]);

    const global = await runToEnd(await startConnector(entry, 'write', { config: t.config, catalog }), [
      recordLine('count_a', { id: 4 }),
      recordLine('count_b', { id: 4 }),
      globalStateLine({ cursor: 'g1' }),
      recordLine('count_b', { id: 5 }),
      globalStateLine({ cursor: 'g2' }),
      globalStateLine({ cursor: 'g3' }),
    ]);
    expect(global.code).toBe(0);
    expect(ofType(global.messages, 'STATE').map((m) => m.state.destinationStats?.recordCount)).toEqual([2, 1, 0]);
  });

  it('skips lines that are not protocol messages with a warning, and loads the rest', async () => {
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalogOf(configuredStream('noisy', properties)) });
    const { code, messages } = await runToEnd(run, [
      'plain text from somewhere',
      recordLine('noisy', { id: 1 }),
      '{"type":"RECORD","record":{"stream":"noisy","data":"not an object"}}',
      recordLine('noisy', { id: 2 }),
    ]);
    expect(code).toBe(0);
    const warnings = ofType(messages, 'LOG')
      .filter((m) => m.log.level === 'WARN')
      .map((m) => m.log.message);
    expect(warnings.some((w) => w.includes('not a JSON message'))).toBe(true);
    expect(warnings.some((w) => w.includes('record.data'))).toBe(true);
    expect(await count('noisy')).toBe(2);
  });

  it.each<StreamOptions['mode']>(['append', 'append_dedup', 'overwrite'])(
    'never shows rows that no state committed (%s), even after a flush, and loses them when killed',
    async (mode) => {
      const stream = `uncommitted_${mode}`;
      const options: StreamOptions = mode === 'append_dedup' ? { mode, primaryKey: [['id']], cursor: ['updated_at'] } : { mode };
      const run = await startConnector(entry, 'write', {
        config: t.config,
        catalog: catalogOf(configuredStream(stream, properties, options)),
      });
      await run.send([recordLine(stream, { id: -1, updated_at: 0 }), streamStateLine(stream, { cursor: 1 })]);
      await run.waitFor(stateWith(1));

      await run.send(bulk(stream, 0, 20_000));
      // a LOG after the commit above means a batch of the bulk rows has been copied into Postgres
      await run.waitFor((m) => m.type === 'LOG' && /loaded \d+ rows/.test(m.log.message) && !m.log.message.startsWith('loaded 1 rows'));
      const visibleTable = mode === 'overwrite' ? `"${stream}_airbyte_tmp"` : `"${stream}"`;
      expect(await count(visibleTable)).toBe(1);
      await run.kill('SIGKILL');

      expect(await count(visibleTable)).toBe(1);
      if (mode === 'overwrite') expect(await tableExists(`"${stream}"`)).toBe(false);
    },
  );

  it('fails with a config error naming the stream when a record is for a stream not in the catalog', async () => {
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalogOf(configuredStream('known', properties)) });
    const { code, messages } = await runToEnd(run, [
      recordLine('known', { id: 1 }),
      recordLine('unknown', { id: 2 }, 'elsewhere'),
      streamStateLine('known', { cursor: 1 }),
    ]);
    expect(code).toBe(1);
    const errors = ofType(messages, 'TRACE').filter((m) => m.trace.type === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.trace.error).toMatchObject({ failure_type: 'config_error' });
    expect(errors[0]!.trace.error?.message).toContain('elsewhere.unknown');
    expect(errors[0]!.trace.error?.message).toContain('not in the configured catalog');
    expect(ofType(messages, 'STATE')).toHaveLength(0);
    expect(await count('known')).toBe(0);
  });

  it('fails with a transient error when the server drops the connection', async () => {
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalogOf(configuredStream('dropped', properties)) });
    await run.send([recordLine('dropped', { id: 1 }), streamStateLine('dropped', { cursor: 1 })]);
    await run.waitFor(stateWith(1));
    await t.client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tributary-destination-postgres'`,
    );
    const { code, messages } = await runToEnd(run, [recordLine('dropped', { id: 2 }), streamStateLine('dropped', { cursor: 2 })]);
    expect(code).toBe(1);
    const error = ofType(messages, 'TRACE').find((m) => m.trace.type === 'ERROR');
    expect(error?.trace.error?.failure_type).toBe('transient_error');
    expect(ofType(messages, 'STATE')).toHaveLength(1);
    expect(await count('dropped')).toBe(1);
  });

  it('fails with a config error before reading input when a sync mode is not supported', async () => {
    const catalog = catalogOf({ ...configuredStream('soft', properties), destination_sync_mode: 'soft_delete' });
    const { code, messages } = await runToEnd(await startConnector(entry, 'write', { config: t.config, catalog }), [
      recordLine('soft', { id: 1 }),
    ]);
    expect(code).toBe(1);
    const error = ofType(messages, 'TRACE')[0]?.trace.error;
    expect(error).toMatchObject({ failure_type: 'config_error' });
    expect(error?.message).toContain('soft_delete');
  });
});
