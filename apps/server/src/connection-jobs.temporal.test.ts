// Connection workflows and jobs through the API: a real Temporal dev server and a real
// worker process (Postgres persistence on the harness's database) syncing source-sample
// into destination-dev-null.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionWorkflowId, syncJobWorkflowId } from '@tributary/workflows';
import { seedDefinition, type ApiHarness, type ApiResponse } from '@tributary/testing/server';
import { startServerWithWorker, type ServerWithWorker } from '@tributary/testing/server';
import { startAppWithTemporal } from '@tributary/testing/server';

interface Job {
  id: string;
  connectionId: string;
  jobType: string;
  status: string;
  attempts?: { attemptNumber: number; status: string; stats: { recordsEmitted: number; recordsCommitted: number } | null }[];
}
interface Status {
  connectionId: string;
  status: string;
  running: null | {
    jobId: string;
    jobType: string;
    startedAt: string;
    progress: null | {
      attemptNumber: number;
      recordsEmitted: number;
      bytesEmitted: number;
      streams: { name: string; recordsEmitted: number }[];
    };
  };
  lastSync: null | { jobId: string; status: string; endedAt: string };
  nextRunAt: string | null;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

describe('connection workflows and jobs through Temporal and a worker', () => {
  let stack: ServerWithWorker | undefined;
  let api: ApiHarness;
  let sampleDefinitionId: string;
  let destinationId: string;

  beforeAll(async () => {
    stack = await startServerWithWorker('server-jobs');
    api = stack.api;
    sampleDefinitionId = (await seedDefinition(api.dataSource, 'source', 'source-sample', null)).id;
    const devNull = await seedDefinition(api.dataSource, 'destination', 'destination-dev-null', null);
    const destination = await api.request('POST', '/api/v1/destinations', {
      body: { workspaceId: api.workspaceId, definitionId: devNull.id, name: 'nowhere', configuration: {} },
    });
    expect(destination.status, destination.text).toBe(201);
    destinationId = (destination.body as { id: string }).id;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A source-sample source (discovered) and an active manual connection syncing its users stream. */
  async function connection(sourceConfig: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
    const source = await api.request('POST', '/api/v1/sources', {
      body: {
        workspaceId: api.workspaceId,
        definitionId: sampleDefinitionId,
        name: `sample-${randomUUID()}`,
        configuration: { streams: ['users', 'products'], ...sourceConfig },
      },
    });
    expect(source.status, source.text).toBe(201);
    const sourceId = (source.body as { id: string }).id;
    expect((await api.request('POST', `/api/v1/sources/${sourceId}/discover`)).status).toBe(200);
    const created = await api.request('POST', '/api/v1/connections', {
      body: {
        sourceId,
        destinationId,
        streams: [
          { name: 'users', syncMode: 'full_refresh_overwrite' },
          { name: 'products', syncMode: 'full_refresh_append' },
        ],
        ...extra,
      },
    });
    expect(created.status, created.text).toBe(201);
    return (created.body as { id: string }).id;
  }

  const workflowStatus = async (connectionId: string) => {
    try {
      return (await api.temporalClient.workflow.getHandle(connectionWorkflowId(connectionId)).describe()).status.name;
    } catch {
      return 'NOT_FOUND';
    }
  };
  const getJob = async (id: string) => (await api.request('GET', `/api/v1/jobs/${id}`)).body as Job;
  const getStatus = async (id: string) => (await api.request('GET', `/api/v1/connections/${id}/status`)).body as Status;
  const runJob = (connectionId: string, jobType = 'sync', streams?: unknown): Promise<ApiResponse> =>
    api.request('POST', '/api/v1/jobs', { body: { connectionId, jobType, ...(streams !== undefined ? { streams } : {}) } });

  it('starts the workflow of an active connection; deactivating ends it, reactivating starts it again, deleting ends it', async () => {
    const id = await connection({ count: 5 });
    expect(await workflowStatus(id)).toBe('RUNNING');

    await api.request('PATCH', `/api/v1/connections/${id}`, { body: { status: 'inactive' } });
    await eventually(
      () => workflowStatus(id),
      (s) => s === 'COMPLETED',
      'workflow after deactivation',
    );
    await api.request('PATCH', `/api/v1/connections/${id}`, { body: { status: 'active' } });
    expect(await workflowStatus(id)).toBe('RUNNING');

    expect((await api.request('DELETE', `/api/v1/connections/${id}`)).status).toBe(204);
    await eventually(
      () => workflowStatus(id),
      (s) => s === 'COMPLETED',
      'workflow after deletion',
    );
  });

  it('POST /jobs creates a job (201) that syncs to success; attempts are numbered from 1', async () => {
    const id = await connection({ count: 200 });
    const res = await runJob(id);
    expect(res.status, res.text).toBe(201);
    const job = res.body as Job;
    expect(job).toMatchObject({ connectionId: id, jobType: 'sync', status: 'running' });

    const done = await eventually(
      () => getJob(job.id),
      (j) => j.status !== 'running',
      'the sync job',
    );
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        status: 'succeeded',
        stats: expect.objectContaining({ recordsEmitted: 400, recordsCommitted: 400 }),
      }),
    ]);

    const status = await getStatus(id);
    expect(status).toMatchObject({
      connectionId: id,
      status: 'active',
      running: null,
      lastSync: { jobId: job.id, status: 'succeeded' },
      nextRunAt: null,
    });
  });

  it('refuses jobs for unknown or inactive connections and streams the connection does not sync', async () => {
    const id = await connection({ count: 5 });
    const unknown = await runJob(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ errors: [{ pointer: '#/connectionId' }] });

    const badStream = await runJob(id, 'refresh', [{ name: 'purchases' }]);
    expect(badStream.status).toBe(422);
    expect(badStream.body).toMatchObject({ errors: [{ pointer: '#/streams', detail: expect.stringContaining('purchases') }] });
    expect((await runJob(id, 'sync', [{ name: 'users' }])).status).toBe(422);
    expect((await runJob(id, 'clear', [])).status).toBe(422);
    expect((await runJob(id, 'hourly')).status).toBe(400);

    await api.request('PATCH', `/api/v1/connections/${id}`, { body: { status: 'inactive' } });
    const inactive = await runJob(id);
    expect(inactive.status).toBe(409);
    expect(inactive.body).toMatchObject({ detail: expect.stringContaining('inactive') });
    expect((await api.request('GET', `/api/v1/jobs?connectionId=${id}`)).body).toMatchObject({ data: [] });

    // a clear of one configured stream runs (no source involved)
    await api.request('PATCH', `/api/v1/connections/${id}`, { body: { status: 'active' } });
    const clear = await runJob(id, 'clear', [{ name: 'products' }]);
    expect(clear.status, clear.text).toBe(201);
    expect(clear.body).toMatchObject({ jobType: 'clear', streams: [{ name: 'products', namespace: null }] });
    expect(
      (
        await eventually(
          () => getJob((clear.body as Job).id),
          (j) => j.status !== 'running',
          'the clear job',
        )
      ).status,
    ).toBe('succeeded');
  });

  it('one job at a time: 409 with the running job, live progress in the status, cancel ends it cancelled', async () => {
    // about 100 s of reading if nothing stops it
    const id = await connection({ count: 100_000, records_per_batch: 100, records_per_state: 500, sleep_ms_per_batch: 100 });
    const first = await runJob(id);
    expect(first.status, first.text).toBe(201);
    const jobId = (first.body as Job).id;

    const second = await runJob(id, 'refresh');
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      code: 'job_already_running',
      runningJobId: jobId,
      detail: expect.stringContaining(`job ${jobId} is already running`),
    });

    const running = await eventually(
      () => getStatus(id),
      // a state commit may record totals before the first per-stream progress report lands
      (s) => (s.running?.progress?.recordsEmitted ?? 0) > 0 && (s.running?.progress?.streams.length ?? 0) > 0,
      'progress in the connection status',
    );
    expect(running).toMatchObject({
      status: 'active',
      running: { jobId, jobType: 'sync', progress: { attemptNumber: 1 } },
      nextRunAt: null,
    });
    expect(running.running?.progress?.streams.map((s) => s.name)).toContain('users');
    expect(running.running?.progress?.bytesEmitted).toBeGreaterThan(0);

    // a running job keeps the connection
    expect((await api.request('DELETE', `/api/v1/connections/${id}`)).status).toBe(409);

    const cancel = await api.request('POST', `/api/v1/jobs/${jobId}/cancel`);
    expect(cancel.status, cancel.text).toBe(202);
    expect(cancel.body).toMatchObject({ id: jobId });
    const cancelled = await eventually(
      () => getJob(jobId),
      (j) => j.status !== 'running',
      'the cancelled job',
      20_000,
    );
    expect(cancelled.status).toBe('cancelled');
    expect((await api.request('POST', `/api/v1/jobs/${jobId}/cancel`)).status).toBe(409);
    expect((await getStatus(id)).lastSync).toMatchObject({ jobId, status: 'cancelled' });

    // the slot is free again
    const next = await runJob(id, 'clear');
    expect(next.status, next.text).toBe(201);
    await eventually(
      () => getJob((next.body as Job).id),
      (j) => j.status !== 'running',
      'the clear job',
    );
  });

  it('a scheduled connection syncs at once, then shows its next run', async () => {
    const id = await connection({ count: 10 }, { schedule: { scheduleType: 'basic', units: 24, timeUnit: 'hours' } });
    const status = await eventually(
      () => getStatus(id),
      (s) => s.lastSync?.status === 'succeeded' && s.nextRunAt !== null,
      'the first scheduled sync',
    );
    const nextRun = Date.parse(status.nextRunAt!);
    expect(nextRun).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(nextRun).toBeLessThan(Date.now() + 25 * 3600_000);
  });

  /** Runs `during` with the worker process stopped (SIGSTOP): it still counts as polling, but answers nothing. */
  async function whileWorkerFrozen<T>(during: (thaw: () => void) => Promise<T>): Promise<T> {
    const worker = stack!.worker.child;
    const thaw = () => void worker.kill('SIGCONT');
    worker.kill('SIGSTOP');
    try {
      return await during(thaw);
    } finally {
      thaw();
    }
  }
  const jobsOf = async (connectionId: string) =>
    ((await api.request('GET', `/api/v1/jobs?connectionId=${connectionId}`)).body as { data: Job[] }).data;

  it('504 when the workflow does not create the job in time; the request is kept and the job runs later', async () => {
    const id = await connection({ count: 5 });
    const impatient = await startAppWithTemporal(api, { taskQueue: stack!.taskQueue, jobStartTimeoutMs: 1_500 });
    try {
      const res = await whileWorkerFrozen(() => impatient.request('POST', '/api/v1/jobs', { connectionId: id, jobType: 'sync' }));
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({
        code: 'job_start_timeout',
        detail: expect.stringContaining(`it may still start, see GET /api/v1/jobs?connectionId=${id}`),
      });
    } finally {
      await impatient.close();
    }
    // what the answer promises: once the worker is back, the job is created and runs
    const jobs = await eventually(
      () => jobsOf(id),
      (list) => list.length === 1 && list[0]!.status !== 'running',
      'the job requested before the timeout',
    );
    expect(jobs[0]).toMatchObject({ jobType: 'sync', status: 'succeeded' });
  });

  it('409 when the workflow refuses a job the API accepted (the connection changed meanwhile)', async () => {
    const id = await connection({ count: 5 });
    // the workflow task Temporal schedules when the request reaches the workflow, if any
    const pendingTask = async () =>
      (await api.temporalClient.workflow.getHandle(connectionWorkflowId(id)).describe()).raw.pendingWorkflowTask ?? null;
    await eventually(pendingTask, (task) => task === null, 'the connection workflow to settle');
    const res = await whileWorkerFrozen(async (thaw) => {
      // accepted (products is synced now); it waits for the frozen worker
      const pending = runJob(id, 'refresh', [{ name: 'products' }]);
      await eventually(pendingTask, (task) => task !== null, 'the request to reach the workflow');
      const patched = await api.request('PATCH', `/api/v1/connections/${id}`, {
        body: { streams: [{ name: 'users', syncMode: 'full_refresh_overwrite' }] },
      });
      expect(patched.status, patched.text).toBe(200);
      thaw();
      return pending;
    });
    expect(res.status, res.text).toBe(409);
    expect(res.body).toMatchObject({ code: 'job_not_started', detail: expect.stringContaining('products') });
    expect(await jobsOf(id)).toEqual([]);
    // the connection is not wedged: the next request runs
    const next = await runJob(id);
    expect(next.status, next.text).toBe(201);
  });

  it('a job request starts a connection workflow that is gone (self-healing)', async () => {
    const id = await connection({ count: 5 });
    await api.temporalClient.workflow.getHandle(connectionWorkflowId(id)).terminate('test: lost workflow');
    expect(await workflowStatus(id)).toBe('TERMINATED');
    const res = await runJob(id);
    expect(res.status, res.text).toBe(201);
    expect(await workflowStatus(id)).toBe('RUNNING');
    expect(
      (
        await eventually(
          () => getJob((res.body as Job).id),
          (j) => j.status !== 'running',
          'the job',
        )
      ).status,
    ).toBe('succeeded');
  });

  it('a job whose workflows were terminated does not block the connection: cancel closes it, and a new job starts', async () => {
    const id = await connection({ count: 100_000, records_per_batch: 100, sleep_ms_per_batch: 100 });
    const first = await runJob(id);
    expect(first.status, first.text).toBe(201);
    const jobId = (first.body as Job).id;
    // an operator terminates everything: the job row stays "running" with no workflow behind it
    await eventually(
      // not found until the connection workflow has started it
      () =>
        api.temporalClient.workflow
          .getHandle(syncJobWorkflowId(jobId))
          .describe()
          .then(
            (d) => d.status.name,
            () => 'NOT_STARTED',
          ),
      (status) => status === 'RUNNING',
      'the job workflow to start',
    );
    await api.temporalClient.workflow.getHandle(syncJobWorkflowId(jobId)).terminate('test: lost workflows');
    await api.temporalClient.workflow.getHandle(connectionWorkflowId(id)).terminate('test: lost workflows');
    expect((await getJob(jobId)).status).toBe('running');
    const cancel = await api.request('POST', `/api/v1/jobs/${jobId}/cancel`);
    expect(cancel.status, cancel.text).toBe(202);
    expect((await getJob(jobId)).status).toBe('cancelled');
    const next = await runJob(id);
    expect(next.status, next.text).toBe(201);
    expect((next.body as Job).id).not.toBe(jobId);
    await api.request('POST', `/api/v1/jobs/${(next.body as Job).id}/cancel`);
  });
});
