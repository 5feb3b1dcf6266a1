import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDirStorage } from '@tributary/storage';
import { capturedLogger } from '@tributary/testing';
import { createMigratedDatabase, seedConnection, type MigratedDatabase } from '@tributary/testing/db';
import { RETENTION_LOCK_KEY, retentionRun } from './retention-job.js';

const SETTINGS = { logsMaxAgeMs: 1000, jobsMaxAgeMs: 1000, batchSize: 10, maxBatches: 1 };

describe('a scheduled retention run', () => {
  let database: MigratedDatabase;
  let root: string;
  const { logger, lines } = capturedLogger('cron-test');

  beforeAll(async () => {
    database = await createMigratedDatabase('retention-job');
    root = await mkdtemp(join(tmpdir(), 'tributary-retention-job-'));
  });
  afterAll(async () => {
    await database?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('logs one line with its counts, and skips while another replica holds the lock', async () => {
    const storage = new LocalDirStorage(root);
    const deps = { dataSource: database.dataSource, storage, storageIdentity: { id: await storage.identify(), location: storage.location }, logger };

    const other = database.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_KEY]);
      expect(await retentionRun(deps, SETTINGS)).toEqual({ ran: false, reason: 'locked' });
      await other.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
    } finally {
      await other.release();
    }

    lines.length = 0;
    const result = await retentionRun(deps, SETTINGS);
    expect(result).toMatchObject({ ran: true, counts: { jobsDeleted: 0, logsDeleted: 0, catalogsDeleted: 0 } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ job: 'retention', msg: 'retention done', jobsDeleted: 0, logsDeleted: 0, catalogsDeleted: 0 });
  });

  it('logs a failure and returns, so the schedule goes on', async () => {
    // a file where the storage root should be: removing a log under it fails
    const storage = new LocalDirStorage(join('/dev/null', 'storage'));
    const db = database.dataSource;
    const runtime = { kind: 'builtin' as const, name: 'source-sample' };
    const { connectionId } = await seedConnection(db, randomBytes(32), { source: { runtime, config: {} }, destination: { runtime, config: {} }, catalog: { streams: [] } });
    for (let n = 0; n < 2; n++) {
      const job = await db.query(`INSERT INTO job (connection_id, job_type, status, config_snapshot, updated_at) VALUES ($1, 'sync', 'succeeded', '{}', now() - interval '1 day') RETURNING id`, [connectionId]);
      expect(job).toHaveLength(1);
    }
    lines.length = 0;
    const result = await retentionRun({ dataSource: db, storage, storageIdentity: { id: 'x', location: storage.location }, logger }, SETTINGS);
    expect(result).toEqual({ ran: false, reason: 'failed' });
    expect(lines).toMatchObject([{ job: 'retention', msg: 'retention failed', level: 50 }]);
    // the lock was let go: the next run is not skipped
    expect((await retentionRun({ dataSource: db, storage: new LocalDirStorage(root), storageIdentity: { id: 'x', location: 'here' }, logger }, SETTINGS)).ran).toBe(true);
  });
});
