import type { LogEntry } from '@tributary/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTributaryClient, type TributaryClient } from '@tributary/api-client';
import { AttemptEntity, encodeAttemptLogLocation, JobEntity } from '@tributary/db';
import { attemptLogKey } from '@tributary/storage';
import { seedConnection, startApiHarness, type ApiHarness } from '@tributary/testing/server';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const ORIGINS = ['platform', 'source', 'destination'] as const;
const line = (n: number): LogEntry => ({
  timestamp: T0 + n,
  level: n % 10 === 0 ? 'warn' : 'info',
  origin: ORIGINS[n % 3]!,
  message: `line ${n}`,
});

interface LogPageBody {
  entries: { timestamp: string; level: string; origin: string; message: string }[];
  nextCursor: string | null;
}

describe('attempt logs through the HTTP API', () => {
  let api: ApiHarness;
  let client: TributaryClient;
  let connectionId: string;
  let jobId: string;
  let silentJobId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    client = createTributaryClient({ baseUrl: api.baseUrl, token: api.token });
    const ds = api.dataSource;
    connectionId = await seedConnection(ds, api.workspaceId, 'logs');
    const job = await ds
      .getRepository(JobEntity)
      .save({ connectionId, jobType: 'sync', status: 'succeeded', streams: null, configSnapshot: {} });
    jobId = job.id;
    await ds.getRepository(AttemptEntity).save([
      { jobId, attemptNumber: 1, status: 'failed', stats: null, failureReasons: [], logPath: null, endedAt: new Date() },
      { jobId, attemptNumber: 2, status: 'succeeded', stats: null, failureReasons: [], logPath: null, endedAt: new Date() },
    ]);
    // attempt 2's log, written the way the worker writes it
    const log = await api.storage.openAppender(attemptLogKey({ connectionId, jobId, attemptNumber: 2 }));
    for (let n = 0; n < 2500; n++) log.write(line(n));
    await log.close();

    // a job whose attempt wrote nothing (yet)
    const silent = await ds
      .getRepository(JobEntity)
      .save({
        connectionId: await seedConnection(ds, api.workspaceId, 'silent'),
        jobType: 'sync',
        status: 'running',
        streams: null,
        configSnapshot: {},
      });
    silentJobId = silent.id;
    await ds
      .getRepository(AttemptEntity)
      .save({ jobId: silentJobId, attemptNumber: 1, status: 'running', stats: null, failureReasons: [], logPath: null, endedAt: null });
  });
  afterAll(() => api?.close());

  const logsPath = (job: string, attempt: number | string, query = '') => `/api/v1/jobs/${job}/attempts/${attempt}/logs${query}`;

  it('pages through an attempt log with the cursor until nextCursor is null', async () => {
    const pages: LogPageBody[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=1000' : `?limit=1000&cursor=${encodeURIComponent(cursor)}`;
      const response = await api.request('GET', logsPath(jobId, 2, query));
      expect(response.status).toBe(200);
      const page = response.body as LogPageBody;
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);

    expect(pages.map((p) => p.entries.length)).toEqual([1000, 1000, 500]);
    const entries = pages.flatMap((p) => p.entries);
    expect(entries.map((e) => e.message)).toEqual(Array.from({ length: 2500 }, (_, n) => `line ${n}`));
    expect(entries[0]).toEqual({ timestamp: '2026-03-01T12:00:00.000Z', level: 'warn', origin: 'platform', message: 'line 0' });
    expect(entries[2499]).toEqual({ timestamp: '2026-03-01T12:00:02.499Z', level: 'info', origin: 'platform', message: 'line 2499' });
  });

  it('serves the typed client, with 1,000 entries by default', async () => {
    const first = await client.GET('/api/v1/jobs/{jobId}/attempts/{attemptNumber}/logs', { params: { path: { jobId, attemptNumber: 2 } } });
    expect(first.data?.entries).toHaveLength(1000);
    const rest = await client.GET('/api/v1/jobs/{jobId}/attempts/{attemptNumber}/logs', {
      params: { path: { jobId, attemptNumber: 2 }, query: { cursor: first.data!.nextCursor!, limit: 10_000 } },
    });
    expect(rest.data?.entries.map((e) => e.message)).toEqual(Array.from({ length: 1500 }, (_, n) => `line ${n + 1000}`));
    expect(rest.data?.nextCursor).toBeNull();
  });

  it('answers an empty last page for an attempt that has not logged anything', async () => {
    const response = await api.request('GET', logsPath(silentJobId, 1));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ entries: [], nextCursor: null });
  });

  it('answers 404 problem+json for a missing job or attempt', async () => {
    const noJob = await api.request('GET', logsPath('987654321', 1));
    expect(noJob.status).toBe(404);
    expect(noJob.contentType).toContain('application/problem+json');
    expect(noJob.body).toMatchObject({ status: 404, code: 'not_found', detail: 'job 987654321 not found' });

    // attempt 3 was never made
    const noAttempt = await api.request('GET', logsPath(jobId, 3));
    expect(noAttempt.status).toBe(404);
    expect(noAttempt.body).toMatchObject({ status: 404, code: 'not_found', detail: `attempt 3 of job ${jobId} not found` });
  });

  it('says an ended attempt has no log rather than answering an empty page that looks like a quiet sync', async () => {
    // attempt 1 ended and nothing was written for it
    const response = await api.request('GET', logsPath(jobId, 1));
    expect(response.status).toBe(404);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      code: 'not_found',
      detail: `the log of attempt 1 of job ${jobId} was never written (the attempt ended before it logged anything)`,
    });
  });

  it('says where a log went that this server cannot read: another storage (503), gone from its own or deleted by retention (404)', async () => {
    const ds = api.dataSource;
    const job = await ds.getRepository(JobEntity).save({ connectionId, jobType: 'sync', status: 'failed', streams: null, configSnapshot: {} });
    const key = (attemptNumber: number) => attemptLogKey({ connectionId, jobId: job.id, attemptNumber });
    const elsewhere = { id: '00000000-0000-4000-8000-000000000000', location: 'local directory /srv/worker-2/storage' };
    const here = { id: await api.storage.identify(), location: api.storage.location };
    await ds.getRepository(AttemptEntity).save([
      // written by a worker on its own disk, as on a second machine
      { jobId: job.id, attemptNumber: 1, status: 'failed', failureReasons: [], logPath: encodeAttemptLogLocation({ storage: elsewhere, key: key(1) }), endedAt: new Date() },
      // written here, then deleted
      { jobId: job.id, attemptNumber: 2, status: 'failed', failureReasons: [], logPath: encodeAttemptLogLocation({ storage: here, key: key(2) }), endedAt: new Date() },
      // running, recorded, nothing flushed yet
      { jobId: job.id, attemptNumber: 3, status: 'running', failureReasons: [], logPath: encodeAttemptLogLocation({ storage: here, key: key(3) }), endedAt: null },
      // deleted by retention (apps/cron)
      {
        jobId: job.id,
        attemptNumber: 4,
        status: 'failed',
        failureReasons: [],
        logPath: encodeAttemptLogLocation({ storage: here, key: key(4), removedAt: '2026-11-30T00:17:00.000Z' }),
        endedAt: new Date(),
      },
    ]);

    const other = await api.request('GET', logsPath(job.id, 1));
    expect(other.status).toBe(503);
    expect(other.contentType).toContain('application/problem+json');
    expect(other.body).toMatchObject({ code: 'unavailable' });
    expect((other.body as { detail: string }).detail).toBe(
      `the log of attempt 1 of job ${job.id} was written to local directory /srv/worker-2/storage, which this server does not read (it reads ${api.storage.location}): give the server and every worker one storage (a shared TRIBUTARY_STORAGE_DIR, or TRIBUTARY_STORAGE=s3)`,
    );

    const gone = await api.request('GET', logsPath(job.id, 2));
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ detail: `the log of attempt 2 of job ${job.id} is not in ${api.storage.location} any more (deleted by retention, or lost)` });

    expect(await api.request('GET', logsPath(job.id, 3))).toMatchObject({ status: 200, body: { entries: [], nextCursor: null } });
    expect(await api.request('GET', logsPath(job.id, 4))).toMatchObject({
      status: 404,
      body: { detail: `the log of attempt 4 of job ${job.id} was deleted by retention on 2026-11-30T00:17:00.000Z` },
    });
  });

  it('answers 400 naming the bad cursor, limit or path parameter', async () => {
    const badCursor = await api.request('GET', logsPath(jobId, 2, '?cursor=not-a-cursor'));
    expect(badCursor.status).toBe(400);
    expect(badCursor.contentType).toContain('application/problem+json');
    expect(badCursor.body).toMatchObject({ code: 'validation_failed', errors: [{ parameter: 'cursor' }] });

    // a cursor of this log that does not point at a line start (crafted, not handed out)
    const midLine = Buffer.from('o1:5').toString('base64url');
    expect((await api.request('GET', logsPath(jobId, 2, `?cursor=${midLine}`))).body).toMatchObject({ errors: [{ parameter: 'cursor' }] });

    for (const limit of ['0', '10001', 'ten', '1.5']) {
      const response = await api.request('GET', logsPath(jobId, 2, `?limit=${limit}`));
      expect(response.status, limit).toBe(400);
      expect(
        (response.body as { errors: { parameter: string }[] }).errors.map((e) => e.parameter),
        limit,
      ).toContain('limit');
    }

    const badAttempt = await api.request('GET', logsPath(jobId, 'first'));
    expect(badAttempt.status).toBe(400);
    expect(badAttempt.body).toMatchObject({ errors: [{ parameter: 'attemptNumber' }] });
    const badJob = await api.request('GET', logsPath('job-1', 1));
    expect(badJob.status).toBe(400);
    expect(badJob.body).toMatchObject({ errors: [{ parameter: 'jobId' }] });
  });

  it('needs a token like every other route', async () => {
    const response = await api.request('GET', logsPath(jobId, 2), { token: null });
    expect(response.status).toBe(401);
  });
});
