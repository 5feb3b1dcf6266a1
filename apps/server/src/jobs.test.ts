import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTributaryClient, type TributaryClient } from '@tributary/api-client';
import { AttemptEntity, JobEntity } from '@tributary/db';
import { seedConnection, startApiHarness, type ApiHarness } from '@tributary/testing/server';

describe('job history through the HTTP API', () => {
  let api: ApiHarness;
  let client: TributaryClient;
  let connectionId: string;
  let otherConnectionId: string;
  const jobIds: string[] = [];

  beforeAll(async () => {
    api = await startApiHarness();
    client = createTributaryClient({ baseUrl: api.baseUrl, token: api.token });
    const ds = api.dataSource;
    connectionId = await seedConnection(ds, api.workspaceId, 'a');
    otherConnectionId = await seedConnection(ds, api.workspaceId, 'b');

    // what the worker records: a failed attempt then a succeeded one, and an older job
    const jobs = ds.getRepository(JobEntity);
    const old = await jobs.save({ connectionId, jobType: 'clear', status: 'succeeded', streams: [{ name: 'users' }], configSnapshot: {} });
    await ds.query(`UPDATE job SET created_at = now() - interval '2 days' WHERE id = $1`, [old.id]);
    const sync = await jobs.save({ connectionId, jobType: 'sync', status: 'succeeded', streams: null, configSnapshot: {} });
    const other = await jobs.save({ connectionId: otherConnectionId, jobType: 'sync', status: 'failed', streams: null, configSnapshot: {} });
    jobIds.push(old.id, sync.id, other.id);
    await ds.getRepository(AttemptEntity).save([
      {
        jobId: sync.id,
        attemptNumber: 0,
        status: 'failed',
        stats: { recordsEmitted: 10, bytesEmitted: 100, recordsCommitted: 5, streams: [{ name: 'users', namespace: null, recordsEmitted: 10, bytesEmitted: 100, recordsCommitted: 5 }] },
        failureReasons: [{ origin: 'source', type: 'transient_error', message: 'connection reset', timestamp: Date.parse('2026-01-01T00:00:00Z') }],
        logPath: 'logs/1/0.jsonl',
        endedAt: new Date(),
      },
      {
        jobId: sync.id,
        attemptNumber: 1,
        status: 'succeeded',
        stats: { recordsEmitted: 20, bytesEmitted: 200, recordsCommitted: 20, streams: [{ name: 'users', namespace: 'crm', recordsEmitted: 20, bytesEmitted: 200, recordsCommitted: 20 }] },
        failureReasons: [],
        logPath: null,
        endedAt: new Date(),
      },
    ]);
  });
  afterAll(() => api?.close());

  it('lists jobs newest first with filters and pagination', async () => {
    const all = await client.GET('/api/v1/jobs');
    expect(all.data?.data.map((j) => j.id)).toEqual([jobIds[2], jobIds[1], jobIds[0]]);
    const byConnection = await client.GET('/api/v1/jobs', { params: { query: { connectionId, limit: 1 } } });
    expect(byConnection.data).toMatchObject({ hasMore: true, data: [{ id: jobIds[1], jobType: 'sync', status: 'succeeded' }] });
    const failed = await client.GET('/api/v1/jobs', { params: { query: { status: 'failed' } } });
    expect(failed.data?.data.map((j) => j.connectionId)).toEqual([otherConnectionId]);
    const clears = await client.GET('/api/v1/jobs', { params: { query: { jobType: 'clear' } } });
    expect(clears.data?.data).toMatchObject([{ streams: [{ name: 'users', namespace: null }] }]);
    const recent = await client.GET('/api/v1/jobs', { params: { query: { connectionId, createdAfter: new Date(Date.now() - 86_400_000).toISOString() } } });
    expect(recent.data?.data.map((j) => j.id)).toEqual([jobIds[1]]);
    const older = await client.GET('/api/v1/jobs', { params: { query: { createdBefore: new Date(Date.now() - 86_400_000).toISOString() } } });
    expect(older.data?.data.map((j) => j.id)).toEqual([jobIds[0]]);
  });

  it('gets a job with its attempts, per-stream stats and failure reasons', async () => {
    const { data } = await client.GET('/api/v1/jobs/{jobId}', { params: { path: { jobId: jobIds[1]! } } });
    expect(data?.attempts).toMatchObject([
      {
        attemptNumber: 0,
        status: 'failed',
        stats: { recordsCommitted: 5, streams: [{ name: 'users', namespace: null, recordsEmitted: 10 }] },
        failureReasons: [{ origin: 'source', type: 'transient_error', message: 'connection reset', timestamp: '2026-01-01T00:00:00.000Z' }],
      },
      { attemptNumber: 1, status: 'succeeded', stats: { streams: [{ name: 'users', namespace: 'crm', recordsCommitted: 20 }] }, failureReasons: [] },
    ]);
  });

  it('names bad filters and ids', async () => {
    const bad = await api.request('GET', '/api/v1/jobs?status=done&createdAfter=yesterday&connectionId=x');
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { parameter: string }[] }).errors.map((e) => e.parameter).sort()).toEqual(['connectionId', 'createdAfter', 'status']);
    expect((await api.request('GET', '/api/v1/jobs/abc')).body).toMatchObject({ status: 400, errors: [{ parameter: 'jobId' }] });
    expect((await api.request('GET', '/api/v1/jobs/999999')).status).toBe(404);
  });

  it('takes any RFC 3339 date-time as a filter (year 0006 with an offset, a leap second) and refuses a day that does not exist', async () => {
    for (const value of ['0006-07-11T09:54:03+16:16', '2016-12-31T23:59:60Z', '2026-01-01t00:00:00z']) {
      const res = await api.request('GET', `/api/v1/jobs?createdAfter=${encodeURIComponent(value)}&createdBefore=${encodeURIComponent(value)}`);
      expect(res.status, `${value}: ${res.text}`).toBe(200);
    }
    const feb30 = await api.request('GET', '/api/v1/jobs?createdBefore=2026-02-30T00:00:00Z');
    expect(feb30.status).toBe(400);
    expect(feb30.body).toMatchObject({ errors: [{ parameter: 'createdBefore' }] });
  });
});
