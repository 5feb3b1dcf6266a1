/**
 * destination-postgres `raw_data` against a real server: by default `_airbyte_data` holds a
 * record only where a value did not fit its column; with the option, every record.
 */
import { describe, expect, it } from 'vitest';
import { useDestinationDatabase } from '@tributary/testing/connectors';
import { builtinEntrypoint } from '../index.js';
import {
  catalogOf,
  configuredStream,
  ofType,
  recordLine,
  runConnectorCommand,
  runToEnd,
  startConnector,
} from '@tributary/testing/connectors';

const entry = builtinEntrypoint('destination-postgres')!;
const t = useDestinationDatabase('dest_pg_raw_data');

async function sync(catalog: unknown, lines: string[], configOverride: Record<string, unknown> = {}) {
  const run = await startConnector(entry, 'write', { config: { ...t.config, ...configOverride }, catalog });
  const result = await runToEnd(run, lines);
  expect(result.code, `${JSON.stringify(ofType(result.messages, 'TRACE'))} ${run.stderr()}`).toBe(0);
  return result;
}

const properties = { id: { type: 'integer' }, v: { type: 'string' } };
const rawById = async (table: string) =>
  (await t.client.query(`SELECT id, _airbyte_data AS raw FROM ${table} ORDER BY id NULLS LAST`)).rows.map(
    (r: { id: string | null; raw: unknown }) => [r.id, r.raw],
  );

describe('destination-postgres raw_data', () => {
  it('by default keeps the raw record only in rows with a value its column could not hold', async () => {
    await sync(catalogOf(configuredStream('lean', properties)), [
      recordLine('lean', { id: 1, v: 'fits', extra: 'not in the schema' }),
      recordLine('lean', { id: 'two', v: 'id does not fit' }),
    ]);
    expect(await rawById('lean')).toEqual([
      ['1', null],
      [null, { id: 'two', v: 'id does not fit' }],
    ]);
  });

  it('with raw_data: true keeps every record whole, in every mode', async () => {
    for (const mode of ['append', 'overwrite', 'append_dedup'] as const) {
      const table = `whole_${mode}`;
      const options = mode === 'append_dedup' ? { mode, primaryKey: [['id']] } : { mode };
      await sync(catalogOf(configuredStream(table, properties, options)), [recordLine(table, { id: 1, v: 'a', extra: [1] })], {
        raw_data: true,
      });
      expect(await rawById(table), mode).toEqual([['1', { id: 1, v: 'a', extra: [1] }]]);
    }
  });

  it('loads by default into a table of an older version, whose _airbyte_data is NOT NULL', async () => {
    await t.client.query(`CREATE TABLE older (
      _airbyte_raw_id uuid NOT NULL, _airbyte_extracted_at timestamptz NOT NULL, _airbyte_meta jsonb NOT NULL,
      _airbyte_generation_id bigint, id bigint, v text, _airbyte_data jsonb NOT NULL)`);
    await sync(catalogOf(configuredStream('older', properties)), [recordLine('older', { id: 1, v: 'new' })]);
    expect(await rawById('older')).toEqual([['1', null]]);
  });

  it('keeps the raw record in every row when a field has an existing column of a type it does not write', async () => {
    await t.client.query(`CREATE TABLE odd (
      _airbyte_raw_id uuid NOT NULL, _airbyte_extracted_at timestamptz NOT NULL, _airbyte_meta jsonb NOT NULL,
      _airbyte_generation_id bigint, id bigint, v int4range, _airbyte_data jsonb)`);
    await sync(catalogOf(configuredStream('odd', properties)), [recordLine('odd', { id: 1, v: '[1,5)' })]);
    expect(await rawById('odd')).toEqual([['1', { id: 1, v: '[1,5)' }]]);
  });

  it('deduplicates by a nested key without the raw record, through the jsonb column of its field', async () => {
    const nested = { ...properties, meta: { type: 'object' } };
    const catalog = catalogOf(configuredStream('nested_key', nested, { mode: 'append_dedup', primaryKey: [['meta', 'id']] }));
    await sync(catalog, [
      recordLine('nested_key', { id: 1, v: 'old', meta: { id: 'a' } }),
      recordLine('nested_key', { id: 2, v: 'b', meta: { id: 'b' } }),
    ]);
    await sync(catalog, [recordLine('nested_key', { id: 3, v: 'new', meta: { id: 'a' } })]);
    const rows = (await t.client.query(`SELECT meta->>'id' AS key, v, _airbyte_data FROM nested_key ORDER BY key`)).rows;
    expect(rows).toEqual([
      { key: 'a', v: 'new', _airbyte_data: null },
      { key: 'b', v: 'b', _airbyte_data: null },
    ]);
  });

  it('keeps the raw record in every row when the primary key has no typed column, and deduplicates by it', async () => {
    const catalog = catalogOf(configuredStream('untyped_key', properties, { mode: 'append_dedup', primaryKey: [['ref', 'no']] }));
    await sync(catalog, [recordLine('untyped_key', { id: 1, ref: { no: 7 } }), recordLine('untyped_key', { id: 2, ref: { no: 8 } })]);
    await sync(catalog, [recordLine('untyped_key', { id: 3, ref: { no: 7 } })]);
    expect(await rawById('untyped_key')).toEqual([
      ['2', { id: 2, ref: { no: 8 } }],
      ['3', { id: 3, ref: { no: 7 } }],
    ]);
  });

  it('spec offers raw_data, off by default; a value that is not a boolean is a config error naming it', async () => {
    const spec = ofType((await runConnectorCommand(entry, 'spec', {})).messages, 'SPEC')[0]!.spec;
    expect((spec.connectionSpecification['properties'] as Record<string, unknown>)['raw_data']).toMatchObject({
      type: 'boolean',
      default: false,
    });
    const { messages } = await runConnectorCommand(entry, 'check', { ...t.config, raw_data: 'yes' });
    expect(ofType(messages, 'CONNECTION_STATUS')[0]?.connectionStatus).toEqual({
      status: 'FAILED',
      message: 'config.raw_data must be true or false, got "yes"',
    });
  });
});
