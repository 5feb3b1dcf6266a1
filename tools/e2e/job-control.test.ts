// Running jobs through the API: one job at a time (409), cancel, a failing source retried
// with backoff, and a worker killed with SIGKILL mid-sync whose job resumes on a new worker
// without losing a record. The source is the builtin source-sample, slowed down.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '@tributary/testing';
import { createConnection, createPostgresDestination, createSource, discover, finishedJob, getJob, ok, startJob } from '@tributary/testing/stack';
import { startE2eStack, waitFor, type E2eStack } from '@tributary/testing/stack';

const run = promisify(execFile);
const COUNT = 3000;
const SLOW = { count: COUNT, seed: 3, records_per_state: 100, records_per_batch: 50, sleep_ms_per_batch: 40 };
const BACKOFF_MS = 1000;
const STREAMS = ['users', 'products', 'purchases'].map((name) => ({ name, syncMode: 'incremental_dedup' }));

/** pids of connector processes (libs/connectors' compiled bins) still running */
async function connectorPids(): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,args=']);
  return stdout
    .split('\n')
    .filter((l) => /connectors\/dist\/bin\/(source-sample|destination-postgres)\.js/.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter((pid) => isAlive(pid));
}

describe('job control through the API', () => {
  let stack: E2eStack;
  let db: pg.Client;
  let destinationId: string;

  beforeAll(async () => {
    stack = await startE2eStack('job-control', {
      env: {
        TRIBUTARY_JOB_MAX_SUCCESSIVE_COMPLETE_FAILURES: '3',
        TRIBUTARY_JOB_BACKOFF_INITIAL_MS: String(BACKOFF_MS),
        TRIBUTARY_JOB_HEARTBEAT_TIMEOUT_MS: '5000',
      },
    });
    db = new pg.Client({ connectionString: stack.db.url });
    await db.connect();
    destinationId = await createPostgresDestination(stack, stack.db.connection, 'job_control');
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(stack?.diagnostics());
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  async function slowConnection(name: string, config: Record<string, unknown> = SLOW): Promise<string> {
    const sourceId = await createSource(stack, 'source-sample', name, config);
    await discover(stack, sourceId);
    return createConnection(stack, sourceId, destinationId, STREAMS, { prefix: `${name}_` });
  }

  const committedSoFar = async (connectionId: string) => {
    const status = await ok(stack, 'GET', `/api/v1/connections/${connectionId}/status`);
    const running = status.running as { progress?: { recordsCommitted?: number } } | null;
    return running?.progress?.recordsCommitted ?? 0;
  };

  it('a sync request while a job runs gets 409 with the running job id; cancel stops it within 10 s and keeps committed state', async () => {
    const connectionId = await slowConnection('cancel');
    const jobId = await startJob(stack, connectionId);

    const again = await stack.request('POST', '/api/v1/jobs', { connectionId, jobType: 'sync' });
    expect(again.status).toBe(409);
    expect(again.contentType).toContain('application/problem+json');
    expect((again.body as { runningJobId: string }).runningJobId).toBe(jobId);

    await waitFor('records committed', async () => ((await committedSoFar(connectionId)) > 0 ? true : undefined), 60_000);
    const status = await ok(stack, 'GET', `/api/v1/connections/${connectionId}/status`);
    expect((status.running as { jobId: string }).jobId).toBe(jobId);

    const cancelledAt = Date.now();
    await ok(stack, 'POST', `/api/v1/jobs/${jobId}/cancel`, {}, [202]);
    const job = await finishedJob(stack, jobId, 30_000);
    expect(job.status).toBe('cancelled');
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
    expect(await connectorPids()).toEqual([]);
    const state = await ok(stack, 'GET', `/api/v1/connections/${connectionId}/state`);
    expect(JSON.stringify(state)).toContain('"cursor"');
    // the connection takes new jobs again
    const next = await startJob(stack, connectionId);
    expect(next).not.toBe(jobId);
    await ok(stack, 'POST', `/api/v1/jobs/${next}/cancel`, {}, [202]);
    await finishedJob(stack, next, 30_000);
  });

  it('a failing source is retried with backoff and the job ends failed with the source as origin', async () => {
    const connectionId = await slowConnection('failing', { count: 100, fail_after: 0 });
    const job = await finishedJob(stack, await startJob(stack, connectionId), 120_000);
    expect(job.status).toBe('failed');
    expect(job.attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
    for (const attempt of job.attempts) expect(attempt.failureReasons[0]?.origin).toBe('source');
    // complete failures back off: 1 s, then 3 s (10 s x 3^(n-1) in production)
    const starts = job.attempts.map((a) => Date.parse(a.createdAt));
    const ends = job.attempts.map((a) => Date.parse(a.endedAt!));
    expect(starts[1]! - ends[0]!).toBeGreaterThanOrEqual(BACKOFF_MS * 0.9);
    expect(starts[2]! - ends[1]!).toBeGreaterThanOrEqual(BACKOFF_MS * 3 * 0.9);
  });

  it('resumes from the last committed state after the worker is killed with SIGKILL, and no record is lost', async () => {
    const connectionId = await slowConnection('crash');
    const jobId = await startJob(stack, connectionId);
    await waitFor('records committed', async () => ((await committedSoFar(connectionId)) >= 500 ? true : undefined), 60_000);

    const first = stack.worker;
    first.child.kill('SIGKILL');
    await first.exited;
    await stack.startWorker();

    const job = await finishedJob(stack, jobId, 180_000);
    expect(job.status, JSON.stringify(job.attempts)).toBe('succeeded');
    expect(job.attempts.length).toBeGreaterThanOrEqual(2);
    // the second attempt started from committed state: it emitted less than everything
    const last = job.attempts.at(-1)!.stats!;
    expect(last.recordsEmitted).toBeLessThan(3 * COUNT);
    for (const stream of ['users', 'products', 'purchases']) {
      const rows = await db.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM job_control."crash_${stream}"`);
      expect(Number(rows.rows[0].ids), stream).toBe(COUNT);
      expect(Number(rows.rows[0].n), stream).toBe(COUNT);
    }
    expect((await getJob(stack, jobId)).status).toBe('succeeded');
  });
});
