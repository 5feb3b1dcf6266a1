// Schema-change detection with a real PyPI connector whose schemas the tests did not write:
// airbyte-source-hardcoded-records (installed once into the per-user cache). Its `customers`
// stream has 28 fields; stored as jsonb they come back with their keys reordered, which must
// not read as a change, and the streams the connection leaves out must not read as new ones.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBuiltinConnector } from '@tributary/connectors';
import { ConnectionEntity } from '@tributary/db';
import { ProcessLauncher, type ConnectorDefinition } from '@tributary/launcher';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { connectorInstallDir } from '@tributary/testing';
import { seedConnection } from '@tributary/testing/db';
import { devNull, startHarness, type Harness } from '@tributary/testing/worker';

const hardcodedRecords: ConnectorDefinition = {
  runtime: { kind: 'pypi', package: 'airbyte-source-hardcoded-records', version: '0.0.48', entrypoint: 'source-hardcoded-records' },
};

describe('schema-change detection with airbyte-source-hardcoded-records', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('syncs customers (primary key id) twice under policy disable: no change seen, the connection stays active', async () => {
    const launcher = new ProcessLauncher({ installDir: connectorInstallDir(), tmpDir: h.dir, resolveBuiltin: resolveBuiltinConnector });
    const config = { count: 100 };
    const discovered = await launcher.discover(hardcodedRecords, config, { role: 'source', timeoutMs: 600_000 });
    if (!discovered.ok) throw new Error(discovered.failure.message);
    const customers = discovered.value.streams.find((s) => s.name === 'customers')!;
    expect(Object.keys(customers.json_schema['properties'] as object).length).toBeGreaterThan(20);
    expect(discovered.value.streams.length).toBeGreaterThan(1);

    const catalog: ConfiguredAirbyteCatalog = {
      streams: [{ stream: customers, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', primary_key: [['id']] }],
    };
    const { connectionId, sourceId } = await seedConnection(h.dataSource, h.secretKey, {
      source: { ...hardcodedRecords, config },
      destination: { ...devNull, config: {} },
      catalog,
      nonBreakingChangesPolicy: 'disable',
    });
    const sourceCatalogId = await h.persistence.recordSourceCatalog(sourceId, discovered.value);
    await h.dataSource.getRepository(ConnectionEntity).update({ id: connectionId }, { sourceCatalogId });

    for (const _ of [1, 2]) {
      const result = await h.runSyncJob(connectionId);
      const { jobId } = result;
      expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
      expect(result.attempts[0]).toMatchObject({ recordsCommitted: 100 });
      const log = await readFile(join(h.dir, 'logs', connectionId, jobId, 'attempt-1.jsonl'), 'utf8');
      expect(log).toContain('schema: no changes since the connection was configured');
    }
    const stored = await h.dataSource.getRepository(ConnectionEntity).findOneByOrFail({ id: connectionId });
    expect(stored).toMatchObject({ status: 'active', statusReason: null });
  }, 900_000);
});
