/**
 * destination-postgres on a server whose database has standard_conforming_strings off (a
 * backslash escapes inside '...'): the literals it builds (a nested primary key's path in
 * append_dedup) and the values it loads keep backslashes and quotes byte for byte.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  catalogOf,
  configuredStream,
  ofType,
  recordLine,
  runToEnd,
  startConnector,
  useDestinationDatabase,
} from '@tributary/testing/connectors';
import { builtinEntrypoint } from '../index.js';
import { quoteIdent } from './identifiers.js';

const entry = builtinEntrypoint('destination-postgres')!;
const t = useDestinationDatabase('dest_pg_nonconforming');

// a field name and values a backslash-escaping server would misread
const KEY_FIELD = String.raw`it's a \ key\'`;
const tricky = (n: number) => `O'Brien \\' \\\\ \\n "q" ''${n}\\`;

describe('destination-postgres with standard_conforming_strings off', () => {
  beforeAll(async () => {
    await t.client.query(`ALTER DATABASE ${quoteIdent(t.db.connection.database)} SET standard_conforming_strings = off`);
  });

  it('dedups on a nested key whose name holds quotes and backslashes, and stores values byte-identical', async () => {
    const properties = { meta: { type: 'object' }, v: { type: 'string' }, n: { type: 'integer' } };
    const catalog = catalogOf(
      configuredStream('tricky', properties, { mode: 'append_dedup', primaryKey: [['meta', KEY_FIELD]], cursor: ['n'] }),
    );
    const run = await startConnector(entry, 'write', { config: t.config, catalog });
    const { code, messages } = await runToEnd(run, [
      recordLine('tricky', { meta: { [KEY_FIELD]: tricky(1) }, v: tricky(1), n: 1 }),
      recordLine('tricky', { meta: { [KEY_FIELD]: tricky(1) }, v: `${tricky(1)} newer`, n: 2 }),
      recordLine('tricky', { meta: { [KEY_FIELD]: tricky(2) }, v: tricky(2), n: 1 }),
    ]);
    expect(code, JSON.stringify(ofType(messages, 'TRACE'))).toBe(0);
    const { rows } = await t.client.query<{ key: string; v: string }>(`SELECT meta->>$1 AS key, v FROM tricky ORDER BY n DESC, v`, [
      KEY_FIELD,
    ]);
    expect(rows).toEqual([
      { key: tricky(1), v: `${tricky(1)} newer` },
      { key: tricky(2), v: tricky(2) },
    ]);
  });
});
