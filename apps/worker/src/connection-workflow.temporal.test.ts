// connectionWorkflow with the real sync job workflow and activities, on a real Temporal
// dev server: sync now, status query, one job at a time, cancel, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TRIBUTARY_TASK_QUEUE,
  cancelJobUpdate,
  connectionDeletedSignal,
  connectionStatusQuery,
  connectionUpdatedSignal,
  connectionWorkflowId,
  nextCronTime,
  parseCron,
  runJobUpdate,
} from '@tributary/workflows';
import type { connectionWorkflow } from '@tributary/workflows/workflows';
import { ConnectionEntity } from '@tributary/db';
import { updateActorConfig } from '@tributary/testing/db';
import { waitFor } from '@tributary/testing';
import { connectorProcesses, startHarness, syncConnectorProcesses, type Harness } from '@tributary/testing/worker';

const SYNC = { kind: 'sync' } as const;

describe('connection workflow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('runs a job on sync now, answers the status query, reports a second sync now as already running', async () => {
    const { connectionId, sourceId } = await h.seedConnection({ sourceConfig: { count: 500 } });
    const handle = await h.client.workflow.start<typeof connectionWorkflow>('connectionWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: connectionWorkflowId(connectionId),
      args: [{ connectionId }],
    });
    await waitFor(
      'the workflow to wait for its schedule',
      async () => (await handle.query(connectionStatusQuery)).state === 'waiting' || undefined,
    );
    const initial = await handle.query(connectionStatusQuery);
    expect(initial).toMatchObject({ connectionId, schedule: { type: 'manual' } });
    expect(initial).not.toHaveProperty('nextRunAt');

    // a quick job: started, then recorded as the last job after continue-as-new
    const first = await handle.executeUpdate(runJobUpdate, { args: [SYNC] });
    expect(first.status).toBe('started');
    const afterFirst = await waitFor('the first job to finish', async () => {
      const s = await handle.query(connectionStatusQuery);
      return s.lastJob?.jobId === first.jobId && s.state === 'waiting' ? s : undefined;
    });
    expect(afterFirst).toMatchObject({ state: 'waiting', lastJob: { status: 'succeeded' } });
    expect((await h.readJob(first.jobId)).job.status).toBe('succeeded');

    // a slow job: a second sync now gets the running job's id
    await updateActorConfig(h.dataSource, h.secretKey, sourceId, {
      streams: ['users'],
      count: 1_000_000,
      records_per_batch: 10,
      sleep_ms_per_batch: 20,
    });
    await handle.signal(connectionUpdatedSignal);
    const second = await handle.executeUpdate(runJobUpdate, { args: [SYNC] });
    expect(second.status).toBe('started');
    expect(second.jobId).not.toBe(first.jobId);
    expect(await handle.executeUpdate(runJobUpdate, { args: [SYNC] })).toEqual({ status: 'already_running', jobId: second.jobId });
    expect(await handle.query(connectionStatusQuery)).toMatchObject({ state: 'running', runningJob: { jobId: second.jobId } });

    // a cancel naming another job (the first one, finished) is stale: it stops nothing
    // the sync's two: the job's first attempt runs a discover beside them, which may come and go
    await waitFor('the connectors to start', () => syncConnectorProcesses().length === 2 || undefined);
    expect(await handle.executeUpdate(cancelJobUpdate, { args: [{ jobId: first.jobId }] })).toBe('unknown');
    expect(await handle.query(connectionStatusQuery)).toMatchObject({ state: 'running', runningJob: { jobId: second.jobId } });
    expect(syncConnectorProcesses()).toHaveLength(2);
    // cancel naming the running job stops it; the connection keeps waiting for the next sync
    expect(await handle.executeUpdate(cancelJobUpdate, { args: [{ jobId: second.jobId }] })).toBe('cancelling');
    const afterCancel = await waitFor(
      'the second job to end',
      async () => {
        const s = await handle.query(connectionStatusQuery);
        return s.lastJob?.jobId === second.jobId && s.state === 'waiting' ? s : undefined;
      },
      15_000,
    );
    expect(afterCancel).toMatchObject({ state: 'waiting', lastJob: { status: 'cancelled' } });
    expect(connectorProcesses()).toEqual([]);

    // deleting ends the workflow
    await handle.signal(connectionDeletedSignal);
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });

  it('runs job after job in one run, a sync now right after a finished job starts it at once; a long history continues as new, keeping the last job', async () => {
    const finished = async (
      handle: { query: (q: typeof connectionStatusQuery) => Promise<{ state: string; lastJob?: { jobId: string } }> },
      jobId: string,
    ) =>
      waitFor(`job ${jobId} to finish`, async () => {
        const s = await handle.query(connectionStatusQuery);
        return s.lastJob?.jobId === jobId && s.state === 'waiting' ? s : undefined;
      });
    const start = async (connectionId: string, extra: { continueAsNewAfterEvents?: number } = {}) => {
      const handle = await h.client.workflow.start<typeof connectionWorkflow>('connectionWorkflow', {
        taskQueue: TRIBUTARY_TASK_QUEUE,
        workflowId: connectionWorkflowId(connectionId),
        args: [{ connectionId, ...extra }],
      });
      await waitFor('the workflow to wait', async () => (await handle.query(connectionStatusQuery)).state === 'waiting' || undefined);
      return handle;
    };

    // the default: no continue-as-new between two jobs, and the second one starts in the same run
    const quick = await start((await h.seedConnection({ sourceConfig: { count: 50 } })).connectionId);
    const runId = (await quick.describe()).runId;
    const first = await quick.executeUpdate(runJobUpdate, { args: [SYNC] });
    await finished(quick, first.jobId);
    const second = await quick.executeUpdate(runJobUpdate, { args: [SYNC] });
    expect(second.status).toBe('started');
    await finished(quick, second.jobId);
    expect((await quick.describe()).runId).toBe(runId);
    expect((await h.readJob(second.jobId)).job.status).toBe('succeeded');

    // a history over the limit: the run continues as new once the job is done, the last job carried over
    const short = await start((await h.seedConnection({ sourceConfig: { count: 50 } })).connectionId, { continueAsNewAfterEvents: 1 });
    const before = (await short.describe()).runId;
    const job = await short.executeUpdate(runJobUpdate, { args: [SYNC] });
    await finished(short, job.jobId);
    const after = await waitFor('a new run', async () => {
      const described = await short.describe();
      return described.runId !== before && described.status.name === 'RUNNING' ? described.runId : undefined;
    });
    expect(after).not.toBe(before);
    // the new run loads the connection's settings first ('starting'), then waits with the job carried over
    expect(await finished(short, job.jobId)).toMatchObject({
      state: 'waiting',
      lastJob: { jobId: job.jobId, status: 'succeeded' },
    });
    const next = await short.executeUpdate(runJobUpdate, { args: [SYNC] });
    await finished(short, next.jobId);
    expect((await h.readJob(next.jobId)).job.status).toBe('succeeded');
  });

  it('closes a job left running without a workflow (an orphan) so the connection is not blocked, and refuses a clear of an unknown stream', async () => {
    const { connectionId } = await h.seedConnection({ sourceConfig: { count: 50 } });
    // what a terminated job workflow leaves behind: a job row still marked running
    const { jobId: orphan } = await h.persistence.createJob(connectionId, 'manual', SYNC);
    const handle = await h.client.workflow.start<typeof connectionWorkflow>('connectionWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: connectionWorkflowId(connectionId),
      args: [{ connectionId }],
    });
    const next = await handle.executeUpdate(runJobUpdate, { args: [SYNC] });
    expect(next.status).toBe('started');
    expect(next.jobId).not.toBe(orphan);
    const closed = await h.readJob(orphan);
    expect(closed.job.status).toBe('failed');

    // a request the platform refuses for good is answered with the reason; the workflow goes on
    await waitFor('the sync to finish', async () => {
      const status = await handle.query(connectionStatusQuery);
      return status.lastJob?.jobId === next.jobId && status.state === 'waiting' ? true : undefined;
    });
    const refusal = await handle.executeUpdate(runJobUpdate, { args: [{ kind: 'clear', streams: [{ name: 'no_such_stream' }] }] }).then(
      () => undefined,
      (err: Error) => err.cause as Error | undefined,
    );
    expect(refusal?.message).toMatch(/could not start.*no_such_stream/);
    const after = await handle.executeUpdate(runJobUpdate, { args: [SYNC] });
    expect(after.status).toBe('started');
    await handle.signal(connectionDeletedSignal);
    await handle.result();
  });

  it('runs on a basic schedule right away when the connection never synced, and stops when deactivated', async () => {
    const { connectionId } = await h.seedConnection({
      sourceConfig: { count: 100 },
      schedule: { type: 'basic', units: 1, timeUnit: 'hours' },
    });
    const handle = await h.client.workflow.start<typeof connectionWorkflow>('connectionWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: connectionWorkflowId(connectionId),
      args: [{ connectionId }],
    });
    const status = await waitFor('the scheduled job to finish', async () => {
      const s = await handle.query(connectionStatusQuery);
      return s.lastJob && s.state === 'waiting' ? s : undefined;
    });
    expect(status.lastJob?.status).toBe('succeeded');
    // the next run is an hour after the last one started
    expect(status.nextRunAt).toBe(status.lastJob!.startedAt + 3_600_000);
    // deactivating the connection ends its workflow
    await h.dataSource.getRepository(ConnectionEntity).update({ id: connectionId }, { status: 'inactive' });
    await handle.signal(connectionUpdatedSignal);
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });

  it('computes the next cron run in the workflow, in the schedule’s time zone', async () => {
    const schedule = { type: 'cron', cronExpression: '0 0 3 * * ?', timeZone: 'Europe/Paris' } as const;
    const { connectionId } = await h.seedConnection({ sourceConfig: { count: 10 }, schedule });
    const handle = await h.client.workflow.start<typeof connectionWorkflow>('connectionWorkflow', {
      taskQueue: TRIBUTARY_TASK_QUEUE,
      workflowId: connectionWorkflowId(connectionId),
      args: [{ connectionId }],
    });
    const status = await waitFor('the workflow to wait', async () => {
      const s = await handle.query(connectionStatusQuery);
      return s.state === 'waiting' ? s : undefined;
    });
    expect(status.nextRunAt).toBe(nextCronTime(parseCron(schedule.cronExpression), schedule.timeZone, Date.now()));
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeStyle: 'short' }).format(status.nextRunAt)).toBe('03:00');
    await handle.signal(connectionDeletedSignal);
    await handle.result();
  });
});
