// A connector that replaces its own configuration during a sync (CONTROL CONNECTOR_CONFIG, how
// sources rotate OAuth refresh tokens): the new config is validated against the spec, saved with
// its secrets encrypted, and the previous one kept; also when the attempt fails afterwards. The
// next sync starts with it. An invalid one is refused and the stored config stays.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorEntity, decryptConfig } from '@tributary/db';
import { seedConnection } from '@tributary/testing/db';
import { fakeConnector } from '@tributary/testing/replication';
import { devNull, sampleCatalog, startHarness, type Harness } from '@tributary/testing/worker';

const FAKE_CONNECTOR_SPEC = {
  connectionSpecification: {
    type: 'object',
    properties: { password: { type: 'string', airbyte_secret: true }, wideTables: { type: 'integer', minimum: 1 } },
  },
};

describe('CONTROL CONNECTOR_CONFIG from a source', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  const stored = async (actorId: string) => {
    const [row] = (await h.dataSource.query(`SELECT configuration, previous_configuration FROM actor WHERE id = $1`, [actorId])) as [
      { configuration: Record<string, unknown>; previous_configuration: Record<string, unknown> | null },
    ];
    return row;
  };

  async function syncWith(source: Record<string, unknown>) {
    const seeded = await seedConnection(h.dataSource, h.secretKey, {
      // the fake connector's own spec: a secret password, wideTables at least 1
      source: { ...fakeConnector, config: source, spec: FAKE_CONNECTOR_SPEC },
      destination: { ...devNull, config: {} },
      catalog: sampleCatalog(['users']),
    });
    const result = await h.runSyncJob(seeded.connectionId, { retryPolicy: { maxSuccessiveCompleteFailures: 1 } });
    const log = await readFile(join(h.dir, 'logs', seeded.connectionId, result.jobId, 'attempt-1.jsonl'), 'utf8');
    return { ...seeded, result, log };
  }

  it('saves the new config (secrets encrypted), keeps the previous one, and the next sync runs with it', async () => {
    const before = { streams: [{ name: 'users', records: 3 }], password: 'old-secret-1b2c' };
    const rotated = { streams: [{ name: 'users', records: 3 }], password: 'rotated-secret-9f8e' };
    const { sourceId, result, log } = await syncWith({ ...before, control: rotated });
    expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');

    const row = await stored(sourceId);
    expect(decryptConfig(h.secretKey, sourceId, row.configuration)).toEqual(rotated);
    expect(JSON.stringify(row.configuration)).not.toContain('rotated-secret-9f8e');
    expect(decryptConfig(h.secretKey, sourceId, row.previous_configuration!)).toEqual({ ...before, control: rotated });
    expect(log).toContain('the source replaced its configuration (CONTROL CONNECTOR_CONFIG; changed: control, password)');
    expect(log).not.toContain('rotated-secret-9f8e');
    // what the next attempt gets
    expect((await h.persistence.loadConnectorConfig(sourceId)).config).toEqual(rotated);
  });

  it('saves it also when the attempt fails after the message', async () => {
    const rotated = { streams: [{ name: 'users', records: 10 }], password: 'rotated-before-failing' };
    const { sourceId, result } = await syncWith({
      streams: [{ name: 'users', records: 10 }],
      control: rotated,
      failAfter: 2,
      traceError: { message: 'the API went away', failure_type: 'transient_error' },
    });
    expect(result.status).toBe('failed');
    expect(decryptConfig(h.secretKey, sourceId, (await stored(sourceId)).configuration)).toEqual(rotated);
  });

  it('refuses a config its spec does not allow, keeping the stored one, and says so in the log', async () => {
    const original = { streams: [{ name: 'users', records: 2 }], control: { wideTables: 0 } };
    const { sourceId, result, log } = await syncWith(original);
    expect(result.status).toBe('succeeded');
    const row = await stored(sourceId);
    expect(decryptConfig(h.secretKey, sourceId, row.configuration)).toEqual(original);
    expect(row.previous_configuration).toBeNull();
    expect(log).toMatch(/sent a new configuration \(CONTROL CONNECTOR_CONFIG\) that was not saved, the stored one stays: .*wideTables/);
    expect(await h.dataSource.getRepository(ActorEntity).countBy({ id: sourceId })).toBe(1);
  });
});
