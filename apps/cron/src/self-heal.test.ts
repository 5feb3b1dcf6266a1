// Self-heal against a real Temporal dev server and PostgreSQL (no worker: the workflows it
// starts stay RUNNING, waiting for one, which is all these checks need).
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptEntity, JobEntity } from '@tributary/db';
import { connectionWorkflowId, syncJobWorkflowId, WORKFLOW_TYPES } from '@tributary/workflows';
import { capturedLogger, startTestTemporal, type TestTemporal } from '@tributary/testing';
import { createMigratedDatabase, seedConnection, type MigratedDatabase } from '@tributary/testing/db';
import { ORPHAN_GRACE_SECONDS, runSelfHeal, selfHealRun } from './self-heal.js';

describe('self-heal', () => {
  let database: MigratedDatabase;
  let temporal: TestTemporal;
  let connection: Connection;
  let client: Client;
  const taskQueue = `self-heal-${randomUUID()}`;
  const { logger, lines } = capturedLogger('cron-test');
  const runtime = { kind: 'builtin', name: 'source-sample' } as const;

  beforeAll(async () => {
    [database, temporal] = await Promise.all([createMigratedDatabase('self-heal'), startTestTemporal()]);
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: temporal.namespace });
  });
  afterAll(async () => {
    await connection?.close();
    await temporal?.stop();
    await database?.close();
  });

  const deps = () => ({ dataSource: database.dataSource, temporal: client, taskQueue });
  const status = async (workflowId: string) => {
    try {
      return (await client.workflow.getHandle(workflowId).describe()).status.name;
    } catch {
      return 'NOT_FOUND';
    }
  };
  const seed = (status: 'active' | 'inactive') =>
    seedConnection(database.dataSource, randomBytes(32), { source: { runtime, config: {} }, destination: { runtime, config: {} }, catalog: { streams: [] }, status });

  it('starts the workflow of an active connection that has none, or whose workflow was terminated; leaves inactive ones alone', async () => {
    const active = await seed('active');
    const inactive = await seed('inactive');
    const first = await runSelfHeal(deps(), logger);
    expect(first.workflowsStarted).toBeGreaterThanOrEqual(1);
    expect(await status(connectionWorkflowId(active.connectionId))).toBe('RUNNING');
    expect(await status(connectionWorkflowId(inactive.connectionId))).toBe('NOT_FOUND');

    // running: nothing to do
    const again = await runSelfHeal(deps(), logger);
    expect(again.workflowsStarted).toBe(0);

    await client.workflow.getHandle(connectionWorkflowId(active.connectionId)).terminate('a test kills it');
    expect(await status(connectionWorkflowId(active.connectionId))).toBe('TERMINATED');
    const healed = await runSelfHeal(deps(), logger);
    expect(healed.workflowsStarted).toBe(1);
    expect(await status(connectionWorkflowId(active.connectionId))).toBe('RUNNING');
    expect(lines.some((l) => l.connectionId === active.connectionId && String(l.msg).includes('was not running'))).toBe(true);
  });

  it('fails an active job whose workflow is gone, with the reason, and leaves one whose workflow runs or that is too young', async () => {
    const { connectionId } = await seed('inactive');
    const jobs = database.dataSource.getRepository(JobEntity);
    const old = new Date(Date.now() - (ORPHAN_GRACE_SECONDS + 60) * 1000);
    const orphan = await jobs.save({ connectionId, jobType: 'sync', status: 'running', streams: null, configSnapshot: {}, createdAt: old });
    await database.dataSource.getRepository(AttemptEntity).save({ jobId: orphan.id, attemptNumber: 1, status: 'running', stats: null, failureReasons: [], logPath: null, endedAt: null });
    const other = await seed('inactive');
    const alive = await jobs.save({ connectionId: other.connectionId, jobType: 'sync', status: 'running', streams: null, configSnapshot: {}, createdAt: old });
    await client.workflow.start(WORKFLOW_TYPES.syncJob, { taskQueue, workflowId: syncJobWorkflowId(alive.id), args: [{ connectionId: other.connectionId, jobId: alive.id }] });
    const third = await seed('inactive');
    const young = await jobs.save({ connectionId: third.connectionId, jobType: 'sync', status: 'running', streams: null, configSnapshot: {} });

    const result = await selfHealRun({ ...deps(), logger });
    expect(result).toMatchObject({ ran: true, counts: { orphanJobsFailed: 1 } });
    expect((await jobs.findOneByOrFail({ id: orphan.id })).status).toBe('failed');
    const attempt = await database.dataSource.getRepository(AttemptEntity).findOneByOrFail({ jobId: orphan.id, attemptNumber: 1 });
    expect(attempt.status).toBe('failed');
    expect(attempt.failureReasons[0]).toMatchObject({ origin: 'platform', message: expect.stringContaining('no longer running') });
    expect((await jobs.findOneByOrFail({ id: alive.id })).status).toBe('running');
    expect((await jobs.findOneByOrFail({ id: young.id })).status).toBe('running');
    await client.workflow.getHandle(syncJobWorkflowId(alive.id)).terminate('test over');
  });
});
