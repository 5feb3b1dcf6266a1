// Attempt logs when workers run on other machines: a second worker with a data dir of its own
// (as on a second machine) refuses to start on local storage the server cannot see, and on
// S3 (a real MinIO) its syncs' logs are read through the server like any other.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestMinio, type TestMinio } from '@tributary/testing';
import { createConnection, createPostgresDestination, createSource, discover, ok, startE2eStack, syncAndWait, type E2eStack } from '@tributary/testing/stack';

const STREAMS = ['users', 'products'].map((name) => ({ name, syncMode: 'full_refresh_overwrite' }));

interface LogPageBody {
  entries: { timestamp: string; level: string; origin: string; message: string }[];
  nextCursor: string | null;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('a second worker on local storage it does not share with the server', () => {
  let stack: E2eStack;
  let ownDataDir: string;

  beforeAll(async () => {
    stack = await startE2eStack('local-log-storage');
    ownDataDir = await mkdtemp(join(tmpdir(), 'tributary-second-worker-'));
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(stack?.diagnostics());
  });
  afterAll(async () => {
    await stack?.stop();
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  });

  it('refuses to start, naming its storage and the one the server reads', async () => {
    // its storage defaults to <its data dir>/storage: a directory the server never sees
    const started = stack.startWorker({ TRIBUTARY_DATA_DIR: ownDataDir, TRIBUTARY_STORAGE_DIR: '' });
    await expect(started).rejects.toThrow(
      `this worker's log storage (local directory ${join(ownDataDir, 'storage')}) is not the one the server reads (local directory ${stack.storageDir})`,
    );
    expect(await stack.worker.exited).toBe(2);
  });
});

describe('workers on their own machines with S3 storage', () => {
  let minio: TestMinio;
  let stack: E2eStack;
  let ownDataDir: string;

  beforeAll(async () => {
    minio = await startTestMinio();
    stack = await startE2eStack('s3-log-storage', { env: minio.env('tributary-e2e-logs') });
    ownDataDir = await mkdtemp(join(tmpdir(), 'tributary-second-worker-'));
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(stack?.diagnostics());
  });
  afterAll(async () => {
    await stack?.stop();
    await minio?.stop();
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  });

  it("reads through the server the log of a sync that ran on another worker's machine, in order, from MinIO", async () => {
    const first = stack.worker;
    await stack.startWorker({ TRIBUTARY_DATA_DIR: ownDataDir, TRIBUTARY_STORAGE_DIR: '' });
    // only the second worker is left to run the sync
    first.child.kill('SIGTERM');
    await first.exited;

    const sourceId = await createSource(stack, 'source-sample', 'sample', { count: 200, seed: 5 });
    const destinationId = await createPostgresDestination(stack, stack.db.connection, 's3_logs');
    await discover(stack, sourceId);
    const connectionId = await createConnection(stack, sourceId, destinationId, STREAMS);
    const job = await syncAndWait(stack, connectionId);
    expect(job.status).toBe('succeeded');

    const pages: LogPageBody[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${encodeURIComponent(cursor)}`;
      pages.push((await ok(stack, 'GET', `/api/v1/jobs/${job.id}/attempts/${job.attempts[0]!.attemptNumber}/logs${query}`)) as unknown as LogPageBody);
      cursor = pages.at(-1)!.nextCursor;
    } while (cursor !== null && pages.length < 1000);
    const entries = pages.flatMap((p) => p.entries);
    const whole = (await ok(stack, 'GET', `/api/v1/jobs/${job.id}/attempts/${job.attempts[0]!.attemptNumber}/logs?limit=10000`)) as unknown as LogPageBody;
    expect(entries.length).toBeGreaterThan(1);
    // small pages and one big page read the same lines in the same order
    expect(entries).toEqual(whole.entries);
    expect(entries.filter((e) => e.origin === 'platform').length).toBeGreaterThan(0);
    // nothing of it on the worker's own disk: the log lives in the bucket
    expect(await filesUnder(join(ownDataDir, 'storage'))).toEqual([]);
  });
});
