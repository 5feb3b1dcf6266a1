/**
 * destination-postgres overwrite and generations against a real server: the old data
 * stays until a sync succeeds, then is replaced at once.
 */
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
  streamStatusLine,
  type StreamOptions,
} from '@tributary/testing/connectors';

const entry = builtinEntrypoint('destination-postgres')!;
const t = useDestinationDatabase('dest_pg_overwrite');

const properties = { id: { type: 'integer' }, v: { type: 'string' } };
const catalog = (stream: string, options: StreamOptions = {}) =>
  catalogOf(configuredStream(stream, properties, { mode: 'overwrite', ...options }));
const records = (stream: string, v: string, ids: number[]) => ids.map((id) => recordLine(stream, { id, v }));
const contents = async (table: string) =>
  (await t.client.query(`SELECT id, v FROM ${table} ORDER BY id, v`)).rows.map((r: { id: string; v: string }) => `${r.id}:${r.v}`);
const tableExists = async (table: string) => (await t.client.query(`SELECT to_regclass($1) AS t`, [table])).rows[0].t !== null;
const stateWith = (value: string) => (m: { type: string; state?: { stream?: { stream_state?: unknown } } }) =>
  m.type === 'STATE' && JSON.stringify(m.state?.stream?.stream_state) === JSON.stringify({ value });

async function succeeds(stream: string, options: StreamOptions, lines: string[]) {
  const { code, messages } = await runToEnd(
    await startConnector(entry, 'write', { config: t.config, catalog: catalog(stream, options) }),
    lines,
  );
  expect(code, JSON.stringify(ofType(messages, 'TRACE'))).toBe(0);
}

describe('destination-postgres overwrite', () => {
  it('keeps the old table visible during the sync and replaces it when the sync succeeds', async () => {
    await succeeds('replace', { generationId: 1 }, records('replace', 'old', [1, 2, 3]));
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalog('replace', { generationId: 2 }) });
    await run.send([...records('replace', 'new', [10, 11]), streamStateLine('replace', { value: 'committed' })]);
    await run.waitFor(stateWith('committed'));
    expect(await contents('replace')).toEqual(['1:old', '2:old', '3:old']);
    expect((await runToEnd(run, records('replace', 'new', [12]))).code).toBe(0);
    expect(await contents('replace')).toEqual(['10:new', '11:new', '12:new']);
    expect(await tableExists('replace_airbyte_tmp')).toBe(false);
  });

  it('leaves the old table intact when the sync fails', async () => {
    await succeeds('fails', { generationId: 1 }, records('fails', 'old', [1, 2]));
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalog('fails', { generationId: 2 }) });
    const { code } = await runToEnd(run, [
      ...records('fails', 'new', [10]),
      streamStateLine('fails', { value: 's' }),
      recordLine('not_configured', { id: 1 }),
    ]);
    expect(code).toBe(1);
    expect(await contents('fails')).toEqual(['1:old', '2:old']);
  });

  it('leaves the old table intact when the destination is killed', async () => {
    await succeeds('killed', { generationId: 1 }, records('killed', 'old', [1]));
    const run = await startConnector(entry, 'write', { config: t.config, catalog: catalog('killed', { generationId: 2 }) });
    await run.send([...records('killed', 'new', [10]), streamStateLine('killed', { value: 's' }), ...records('killed', 'new', [11])]);
    await run.waitFor(stateWith('s'));
    await run.kill('SIGKILL');
    expect(await contents('killed')).toEqual(['1:old']);
  });

  it('keeps the old table when the source reports the stream INCOMPLETE', async () => {
    await succeeds('incomplete', { generationId: 1 }, records('incomplete', 'old', [1]));
    await succeeds('incomplete', { generationId: 2 }, [
      streamStatusLine('incomplete', 'STARTED'),
      ...records('incomplete', 'new', [10]),
      streamStatusLine('incomplete', 'INCOMPLETE'),
    ]);
    expect(await contents('incomplete')).toEqual(['1:old']);
    await succeeds('incomplete', { generationId: 3 }, [
      streamStatusLine('incomplete', 'STARTED'),
      ...records('incomplete', 'new', [20]),
      streamStatusLine('incomplete', 'COMPLETE'),
    ]);
    expect(await contents('incomplete')).toEqual(['20:new']);
  });

  it('keeps the old table of a stream the source never reported COMPLETE when other streams report statuses', async () => {
    const both = catalogOf(
      configuredStream('silent', properties, { mode: 'overwrite', generationId: 1 }),
      configuredStream('reported', properties, { mode: 'overwrite', generationId: 1 }),
    );
    const sync = async (generationId: number, lines: string[]) => {
      const catalog = { streams: both.streams.map((s) => ({ ...s, generation_id: generationId })) };
      expect((await runToEnd(await startConnector(entry, 'write', { config: t.config, catalog }), lines)).code).toBe(0);
    };
    await sync(1, [...records('silent', 'old', [1]), ...records('reported', 'old', [1])]);
    await sync(2, [
      ...records('silent', 'new', [2]),
      streamStatusLine('reported', 'STARTED'),
      ...records('reported', 'new', [2]),
      streamStatusLine('reported', 'COMPLETE'),
    ]);
    expect(await contents('silent')).toEqual(['1:old']);
    expect(await contents('reported')).toEqual(['2:new']);
  });

  it('resumes the committed rows of a failed attempt of the same generation, but not of an older one', async () => {
    await succeeds('resume', { generationId: 1 }, records('resume', 'old', [1]));
    const attempt = await startConnector(entry, 'write', { config: t.config, catalog: catalog('resume', { generationId: 2 }) });
    await attempt.send([...records('resume', 'attempt 1', [10]), streamStateLine('resume', { value: 'first page' })]);
    await attempt.waitFor(stateWith('first page'));
    await attempt.kill('SIGKILL');

    await succeeds('resume', { generationId: 2 }, records('resume', 'attempt 2', [11]));
    expect(await contents('resume')).toEqual(['10:attempt 1', '11:attempt 2']);

    const abandoned = await startConnector(entry, 'write', { config: t.config, catalog: catalog('resume', { generationId: 3 }) });
    await abandoned.send([...records('resume', 'generation 3', [30]), streamStateLine('resume', { value: 'g3' })]);
    await abandoned.waitFor(stateWith('g3'));
    await abandoned.kill('SIGKILL');
    await succeeds('resume', { generationId: 4 }, records('resume', 'generation 4', [40]));
    expect(await contents('resume')).toEqual(['40:generation 4']);
  });

  it("resumes only the staged rows that the stream's last committed state covers", async () => {
    // attempt 1: record 10, the state after it, record 11; the source then fails (INCOMPLETE),
    // and the destination commits what it received: record 11 too, which no state covers
    await succeeds('covered', { generationId: 1 }, [
      streamStatusLine('covered', 'STARTED'),
      ...records('covered', 'attempt 1', [10]),
      streamStateLine('covered', { value: 'after 10' }),
      ...records('covered', 'attempt 1', [11]),
      streamStatusLine('covered', 'INCOMPLETE'),
    ]);
    expect(await tableExists('covered_airbyte_tmp')).toBe(true);
    // attempt 2 goes on from the state: record 11 comes again, and lands once
    await succeeds('covered', { generationId: 1 }, [
      streamStatusLine('covered', 'STARTED'),
      ...records('covered', 'attempt 2', [11, 12]),
      streamStatusLine('covered', 'COMPLETE'),
    ]);
    expect(await contents('covered')).toEqual(['10:attempt 1', '11:attempt 2', '12:attempt 2']);
    const columns = await t.client.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'covered'`);
    expect(columns.rows.map((r: { column_name: string }) => r.column_name)).not.toContain('_airbyte_seq');
  });

  it('stages only the rows its echoed states cover, so a resumed table needs no mark', async () => {
    const attempt = await startConnector(entry, 'write', { config: t.config, catalog: catalog('cut', { generationId: 1 }) });
    await attempt.send([
      ...records('cut', 'attempt 1', [10]),
      streamStateLine('cut', { value: 'after 10' }),
      ...records('cut', 'attempt 1', [11]),
    ]);
    await attempt.waitFor(stateWith('after 10'));
    await attempt.kill('SIGKILL');
    expect(await contents('cut_airbyte_tmp')).toEqual(['10:attempt 1']);
    const comment = await t.client.query(`SELECT obj_description('cut_airbyte_tmp'::regclass, 'pg_class') AS c`);
    expect(comment.rows[0].c).toBeNull();

    await succeeds('cut', { generationId: 1 }, records('cut', 'attempt 2', [11, 12]));
    expect(await contents('cut')).toEqual(['10:attempt 1', '11:attempt 2', '12:attempt 2']);
  });

  it('empties the table when a successful sync sends no records', async () => {
    await succeeds('emptied', { generationId: 1 }, records('emptied', 'old', [1, 2]));
    await succeeds('emptied', { generationId: 2 }, []);
    expect(await contents('emptied')).toEqual([]);
  });
});

describe('destination-postgres generations in append mode', () => {
  it('stamps the generation and, when minimum_generation_id = generation_id, deletes older generations only at the end', async () => {
    const appendCatalog = (generationId: number, minimumGenerationId: number) =>
      catalogOf(configuredStream('refresh', properties, { mode: 'append', generationId, minimumGenerationId }));
    expect(
      (
        await runToEnd(
          await startConnector(entry, 'write', { config: t.config, catalog: appendCatalog(1, 0) }),
          records('refresh', 'gen 1', [1, 2]),
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await runToEnd(
          await startConnector(entry, 'write', { config: t.config, catalog: appendCatalog(2, 0) }),
          records('refresh', 'gen 2', [3]),
        )
      ).code,
    ).toBe(0);
    expect(await contents('refresh')).toEqual(['1:gen 1', '2:gen 1', '3:gen 2']);

    const run = await startConnector(entry, 'write', { config: t.config, catalog: appendCatalog(3, 3) });
    await run.send([...records('refresh', 'gen 3', [4]), streamStateLine('refresh', { value: 'mid' })]);
    await run.waitFor(stateWith('mid'));
    expect(await contents('refresh')).toEqual(['1:gen 1', '2:gen 1', '3:gen 2', '4:gen 3']);
    expect((await runToEnd(run, records('refresh', 'gen 3', [5]))).code).toBe(0);
    expect(await contents('refresh')).toEqual(['4:gen 3', '5:gen 3']);
    const generations = await t.client.query(`SELECT DISTINCT _airbyte_generation_id AS g FROM refresh`);
    expect(generations.rows).toEqual([{ g: '3' }]);
  });
});
