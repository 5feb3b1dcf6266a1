import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorCatalogEntity, AttemptEntity, ConnectionEntity, decodeAttemptLogLocation, JobEntity } from '@tributary/db';
import { attemptLogKey, LogNotFoundError, openStorage, type Storage, type StorageSettings } from '@tributary/storage';
import { startTestMinio, type TestMinio } from '@tributary/testing';
import { createMigratedDatabase, seedConnection, type MigratedDatabase } from '@tributary/testing/db';
import { runRetention } from './retention.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-12-01T00:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const SETTINGS = { logsMaxAgeMs: 30 * DAY, jobsMaxAgeMs: 180 * DAY, batchSize: 2, maxBatches: 100 };
const runtime = { kind: 'builtin' as const, name: 'source-sample' };

describe.each(['local directory', 'S3 (MinIO)'] as const)('retention on %s', (kind) => {
  let database: MigratedDatabase;
  let minio: TestMinio | undefined;
  let root: string;
  let storage: Storage;

  beforeAll(async () => {
    database = await createMigratedDatabase(`retention-${kind === 'local directory' ? 'local' : 's3'}`);
    root = await mkdtemp(join(tmpdir(), 'tributary-retention-'));
    let settings: StorageSettings = { kind: 'local', dir: join(root, 'storage') };
    if (kind === 'S3 (MinIO)') {
      minio = await startTestMinio();
      settings = minio.settings('retention');
    }
    storage = await openStorage(settings);
    await storage.identify(); // creates the bucket, as every app does at start
  });
  afterAll(async () => {
    await database?.close();
    await minio?.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** a finished job `days` old whose attempts each wrote a log */
  async function job(connectionId: string, days: number, attempts = 2, status: JobEntity['status'] = 'succeeded'): Promise<string> {
    const ds = database.dataSource;
    const saved = await ds.getRepository(JobEntity).save({ connectionId, jobType: 'sync', status, streams: null, configSnapshot: {} });
    // updated_at is stamped on save: set the job's age afterwards
    await ds.query('UPDATE job SET created_at = $1, updated_at = $1 WHERE id = $2', [ago(days), saved.id]);
    for (let attemptNumber = 1; attemptNumber <= attempts; attemptNumber++) {
      await ds.getRepository(AttemptEntity).save({
        jobId: saved.id,
        attemptNumber,
        status: status === 'running' ? 'running' : 'succeeded',
        failureReasons: [],
        logPath: null,
        endedAt: status === 'running' ? null : ago(days),
      });
      const log = await storage.openAppender(attemptLogKey({ connectionId, jobId: saved.id, attemptNumber }));
      log.write({ timestamp: ago(days).getTime(), level: 'info', origin: 'platform', message: `job ${saved.id} attempt ${attemptNumber}` });
      await log.close();
    }
    return saved.id;
  }

  const hasLog = async (connectionId: string, jobId: string, attemptNumber: number) => {
    try {
      return (await storage.readPage(attemptLogKey({ connectionId, jobId, attemptNumber }), { limit: 10 })).entries.length > 0;
    } catch (error) {
      if (error instanceof LogNotFoundError) return false;
      throw error;
    }
  };

  it('deletes old jobs and logs and unused catalogs, in batches, keeping the last job of each connection with its logs', async () => {
    const ds = database.dataSource;
    const seed = () => seedConnection(ds, randomBytes(32), { source: { runtime, config: {} }, destination: { runtime, config: {} }, catalog: { streams: [] } });
    const a = await seed();
    const b = await seed();
    const ancient = await job(a.connectionId, 400); // past the jobs age: goes, logs and all
    const ancientToo = await job(a.connectionId, 200, 1, 'failed');
    const month = await job(a.connectionId, 40); // past the logs age only: its logs go, the job stays
    const recent = await job(a.connectionId, 3); // young: untouched
    const quarter = await job(a.connectionId, 90); // its logs go, the job stays
    const lastOfB = await job(b.connectionId, 500); // B's only job, so its last, however old: kept whole
    const running = await job(a.connectionId, 300, 1, 'running'); // A's last job, and not finished: kept whole

    // catalogs of source A: an old one nobody uses, the one the connection uses, the newest
    const catalogs = ds.getRepository(ActorCatalogEntity);
    const unused = await catalogs.save({ actorId: a.sourceId, catalog: { streams: [] }, catalogHash: 'unused' });
    const used = await catalogs.save({ actorId: a.sourceId, catalog: { streams: [] }, catalogHash: 'used' });
    const newest = await catalogs.save({ actorId: a.sourceId, catalog: { streams: [] }, catalogHash: 'newest' });
    await ds.query(`UPDATE actor_catalog SET created_at = now() - (interval '1 minute' * $1::int) WHERE id = $2`, [3, unused.id]);
    await ds.query(`UPDATE actor_catalog SET created_at = now() - (interval '1 minute' * $1::int) WHERE id = $2`, [2, used.id]);
    await ds.getRepository(ConnectionEntity).update(a.connectionId, { sourceCatalogId: used.id });

    const identity = { id: await storage.identify(), location: storage.location };
    const counts = await runRetention({ dataSource: ds, storage, storageIdentity: identity, now: () => NOW }, SETTINGS);
    expect(counts).toEqual({ jobsDeleted: 2, logsDeleted: 4, catalogsDeleted: 1 });

    const remaining = (await ds.getRepository(JobEntity).find({ select: { id: true } })).map((j) => j.id).sort();
    expect(remaining).toEqual([month, recent, quarter, lastOfB, running].sort());
    for (const [connectionId, jobId, attempt, kept] of [
      [a.connectionId, ancient, 1, false],
      [a.connectionId, ancientToo, 1, false],
      [a.connectionId, month, 1, false],
      [a.connectionId, month, 2, false],
      [a.connectionId, quarter, 2, false],
      [a.connectionId, recent, 1, true],
      [a.connectionId, recent, 2, true],
      [a.connectionId, running, 1, true],
      [b.connectionId, lastOfB, 1, true],
      [b.connectionId, lastOfB, 2, true],
    ] as const) {
      expect(await hasLog(connectionId, jobId, attempt), `job ${jobId} attempt ${attempt}`).toBe(kept);
    }
    // the attempt says when its log went, so the API does not call it never written
    const monthAttempt = await ds.getRepository(AttemptEntity).findOneByOrFail({ jobId: month, attemptNumber: 1 });
    expect(decodeAttemptLogLocation(monthAttempt.logPath)).toEqual({
      storage: identity,
      key: attemptLogKey({ connectionId: a.connectionId, jobId: month, attemptNumber: 1 }),
      removedAt: NOW.toISOString(),
    });
    expect((await catalogs.find({ where: { actorId: a.sourceId }, select: { id: true } })).map((c) => c.id).sort()).toEqual([used.id, newest.id].sort());

    // nothing is left to do: a second run deletes nothing
    expect(await runRetention({ dataSource: ds, storage, storageIdentity: identity, now: () => NOW }, SETTINGS)).toEqual({
      jobsDeleted: 0,
      logsDeleted: 0,
      catalogsDeleted: 0,
    });
  });

  it('stops after maxBatches of each kind, leaving the rest for the next run', async () => {
    const ds = database.dataSource;
    const { connectionId } = await seedConnection(ds, randomBytes(32), { source: { runtime, config: {} }, destination: { runtime, config: {} }, catalog: { streams: [] } });
    for (let n = 0; n < 5; n++) await job(connectionId, 365, 1);
    await job(connectionId, 1, 1);
    const deps = { dataSource: ds, storage, storageIdentity: { id: await storage.identify(), location: storage.location }, now: () => NOW };
    expect((await runRetention(deps, { ...SETTINGS, batchSize: 2, maxBatches: 1 })).jobsDeleted).toBe(2);
    expect((await runRetention(deps, { ...SETTINGS, batchSize: 2, maxBatches: 1 })).jobsDeleted).toBe(2);
    expect((await runRetention(deps, { ...SETTINGS, batchSize: 2, maxBatches: 1 })).jobsDeleted).toBe(1);
    expect((await runRetention(deps, { ...SETTINGS, batchSize: 2, maxBatches: 1 })).jobsDeleted).toBe(0);
  });

  it('ends after the batch in progress once cron is stopping', async () => {
    const ds = database.dataSource;
    const { connectionId } = await seedConnection(ds, randomBytes(32), { source: { runtime, config: {} }, destination: { runtime, config: {} }, catalog: { streams: [] } });
    for (let n = 0; n < 5; n++) await job(connectionId, 365, 1);
    await job(connectionId, 1, 1);
    let batches = 0;
    const deps = {
      dataSource: ds,
      storage,
      storageIdentity: { id: await storage.identify(), location: storage.location },
      now: () => NOW,
      // cron is told to stop while the first batch runs
      stopping: () => batches++ > 0,
    };
    expect(await runRetention(deps, { ...SETTINGS, batchSize: 2, maxBatches: 100 })).toEqual({ jobsDeleted: 2, logsDeleted: 0, catalogsDeleted: 0 });
    // the rest is the next run's
    expect((await runRetention({ ...deps, stopping: () => false }, { ...SETTINGS, batchSize: 2, maxBatches: 100 })).jobsDeleted).toBe(3);
  });
});
