// GET /connections/{id}/status: the last finished job says why it failed (the first failure
// reason of its last attempt, with whose fault it was), so a list of connections can show it.
// Real server, real Postgres (no Temporal: the connection is inactive, so no next run is asked for).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptEntity, ConnectionEntity, JobEntity } from '@tributary/db';
import { seedConnection, startApiHarness, type ApiHarness } from '@tributary/testing/server';

describe('connection status: the last job', () => {
  let api: ApiHarness;
  let connectionId: string;
  beforeAll(async () => {
    api = await startApiHarness();
    connectionId = await seedConnection(api.dataSource, api.workspaceId, 'status');
    await api.dataSource.getRepository(ConnectionEntity).update({ id: connectionId }, { status: 'inactive' });
  });
  afterAll(() => api?.close());

  const finishedJob = async (status: 'succeeded' | 'failed', reasons: { origin: string; type: string; message: string }[][]) => {
    const job = await api.dataSource.getRepository(JobEntity).save({ connectionId, jobType: 'sync', status, streams: null, configSnapshot: {} });
    for (const [i, failureReasons] of reasons.entries()) {
      await api.dataSource.getRepository(AttemptEntity).save({
        jobId: job.id,
        attemptNumber: i + 1,
        status: failureReasons.length > 0 ? 'failed' : 'succeeded',
        stats: null,
        failureReasons: failureReasons.map((r) => ({ ...r, timestamp: Date.now() })) as never,
        logPath: null,
        endedAt: new Date(),
      });
    }
    return job.id;
  };
  const lastSync = async () => {
    const res = await api.request('GET', `/api/v1/connections/${connectionId}/status`);
    expect(res.status, res.text).toBe(200);
    return (res.body as { lastSync: Record<string, unknown> | null }).lastSync;
  };

  it("a failed job's last attempt's first reason, with its origin", async () => {
    await finishedJob('failed', [
      [{ origin: 'source', type: 'transient_error', message: 'connection reset' }],
      [
        { origin: 'destination', type: 'config_error', message: 'password authentication failed for user "loader"' },
        { origin: 'platform', type: 'system_error', message: 'second reason' },
      ],
    ]);
    expect(await lastSync()).toMatchObject({
      status: 'failed',
      failureReason: { origin: 'destination', type: 'config_error', message: 'password authentication failed for user "loader"' },
    });
  });

  it('none for a job that succeeded', async () => {
    await finishedJob('succeeded', [[]]);
    expect(await lastSync()).toMatchObject({ status: 'succeeded', failureReason: null });
  });
});

describe('GET /connections?state=: the list filtered by what the status says, across every page', () => {
  let api: ApiHarness;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    api = await startApiHarness();
    const jobs = api.dataSource.getRepository(JobEntity);
    for (const name of ['quiet', 'running', 'failed', 'recovered', 'disabled']) ids[name] = await seedConnection(api.dataSource, api.workspaceId, name);
    const job = (connectionId: string, status: string) => jobs.save({ connectionId, jobType: 'sync', status: status as never, streams: null, configSnapshot: {} });
    await job(ids.quiet!, 'succeeded');
    await job(ids.running!, 'failed');
    await job(ids.running!, 'running');
    await job(ids.failed!, 'succeeded');
    await job(ids.failed!, 'failed');
    await job(ids.recovered!, 'failed');
    await job(ids.recovered!, 'succeeded');
    await api.dataSource.getRepository(ConnectionEntity).update({ id: ids.disabled! }, { status: 'inactive' });
  });
  afterAll(() => api?.close());

  const listed = async (query: string) => {
    const res = await api.request('GET', `/api/v1/connections?${query}`);
    expect(res.status, res.text).toBe(200);
    return (res.body as { data: { id: string }[] }).data.map((c) => Object.entries(ids).find(([, id]) => id === c.id)?.[0]);
  };

  it('running: a job runs; failed: the last finished job failed; disabled: not active', async () => {
    expect(await listed('state=running')).toEqual(['running']);
    expect(await listed('state=failed')).toEqual(['failed']);
    expect(await listed('state=disabled')).toEqual(['disabled']);
    expect(await listed('')).toHaveLength(5);
  });

  it('pages through the filtered list, not the whole one', async () => {
    expect(await listed('state=failed&limit=1&offset=0')).toEqual(['failed']);
    expect(await listed('state=failed&limit=1&offset=1')).toEqual([]);
  });

  it('names a state it does not know', async () => {
    const res = await api.request('GET', '/api/v1/connections?state=broken');
    expect(res.status).toBe(400);
    expect(res.text).toContain('state');
  });
});
