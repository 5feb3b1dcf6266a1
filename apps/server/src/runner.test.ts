// The runner routes a replication pod reports through, on a real server over a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog, ConnectorSpecification } from '@tributary/protocol';
import type { ReplicationProgress, ReplicationTotals } from '@tributary/replication';
import type { AttemptOutcome, AttemptRef } from '@tributary/workflows';
import { AttemptEntity, ConnectionStateEntity, PostgresJobPersistence } from '@tributary/db';
import { seedConnection } from '@tributary/testing/db';
import { startApiHarness, type ApiHarness } from '@tributary/testing/server';

const SECRET = 'sk-live-0123456789abcdef';
const sourceSpec: ConnectorSpecification = {
  connectionSpecification: {
    type: 'object',
    required: ['count'],
    properties: { count: { type: 'integer', minimum: 1 }, api_key: { type: 'string', airbyte_secret: true } },
  },
};
const catalog: ConfiguredAirbyteCatalog = {
  streams: [
    {
      stream: { name: 'users', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
    },
  ],
};

const totals = (records: number): ReplicationTotals => ({
  recordsEmitted: records,
  bytesEmitted: records * 10,
  recordsCommitted: records,
  bytesCommitted: records * 10,
  stateMessagesEmitted: 1,
  stateMessagesCommitted: 1,
  sourceBytesRead: records * 12,
  invalidMessages: 0,
});
const progress = (records: number): ReplicationProgress => ({
  ...totals(records),
  recordsCommitted: records - 1,
  elapsedMs: 1500,
  recordsPerSecond: 66.5,
  bytesPerSecond: 665,
  done: false,
  streams: [{ name: 'users', namespace: 'public', recordsEmitted: records, bytesEmitted: records * 10, recordsCommitted: records - 1, bytesCommitted: 0, status: 'RUNNING' }],
});
const outcome: AttemptOutcome = {
  status: 'failed',
  failures: [{ origin: 'destination', type: 'transient_error', message: 'connection reset', stream: { name: 'users' }, timestamp: 1_764_800_000_000 }],
  streamStats: [{ name: 'users', recordsEmitted: 5, bytesEmitted: 50, recordsCommitted: 3, bytesCommitted: 30 }],
  recordsEmitted: 5,
  bytesEmitted: 50,
  recordsCommitted: 3,
  bytesCommitted: 30,
};
const streamState = (offset: number) => [{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { offset } } }];

interface LogPageBody {
  entries: { timestamp: string; level: string; origin: string; message: string }[];
  nextCursor: string | null;
}

describe('runner routes (a replication pod reporting its attempt)', () => {
  let api: ApiHarness;
  let persistence: PostgresJobPersistence;

  beforeAll(async () => {
    api = await startApiHarness();
    persistence = new PostgresJobPersistence(api.dataSource, api.secretKey);
  });
  afterAll(() => api?.close());

  /** a connection with a secret in its source config, a running sync job, its first attempt and that attempt's credential */
  async function runningAttempt(): Promise<{ ref: AttemptRef; token: string; sourceId: string }> {
    const seeded = await seedConnection(api.dataSource, api.secretKey, {
      source: { runtime: { kind: 'builtin', name: 'source-sample' }, config: { count: 10, api_key: SECRET }, spec: sourceSpec },
      destination: { runtime: { kind: 'builtin', name: 'destination-dev-null' }, config: {} },
      catalog,
      workspaceId: api.workspaceId,
    });
    const { jobId } = await persistence.createJob(seeded.connectionId, 'manual', { kind: 'sync' });
    const { attemptNumber } = await persistence.createAttempt(jobId);
    const ref = { connectionId: seeded.connectionId, jobId, attemptNumber };
    return { ref, token: await persistence.issueRunnerToken(ref), sourceId: seeded.sourceId };
  }

  const path = (ref: AttemptRef, what: string) => `/api/v1/runner/jobs/${ref.jobId}/attempts/${ref.attemptNumber}/${what}`;
  const post = (ref: AttemptRef, what: string, token: string | null, body: unknown) => api.request('POST', path(ref, what), { token, body });
  const attemptRow = (ref: AttemptRef) => api.dataSource.getRepository(AttemptEntity).findOneByOrFail({ jobId: ref.jobId, attemptNumber: ref.attemptNumber });
  const readLog = async (ref: AttemptRef) => {
    const res = await api.request('GET', `/api/v1/jobs/${ref.jobId}/attempts/${ref.attemptNumber}/logs?limit=10000`);
    expect(res.status, res.text).toBe(200);
    return (res.body as LogPageBody).entries;
  };
  /** everything a runner call could write for the attempt */
  const written = async (ref: AttemptRef, sourceId: string) => ({
    attempt: await attemptRow(ref),
    progress: await persistence.loadProgress(ref),
    outcome: await persistence.loadRunnerOutcome(ref),
    state: await api.dataSource.getRepository(ConnectionStateEntity).findOneBy({ connectionId: ref.connectionId }),
    sourceConfig: await persistence.loadConnectorConfig(sourceId),
    log: (await api.request('GET', `/api/v1/jobs/${ref.jobId}/attempts/${ref.attemptNumber}/logs`)).text,
  });
  /** one valid body per route */
  const validCalls: [string, unknown][] = [
    ['progress', progress(7)],
    ['state', { state: streamState(7), totals: totals(7) }],
    ['logs', { entries: [{ timestamp: 1_764_800_000_000, level: 'info', origin: 'source', message: 'hello' }] }],
    ['config-updates', { role: 'source', config: { count: 99, api_key: SECRET } }],
    ['outcome', outcome],
  ];

  it('progress is saved on the attempt: its stats, and loadProgress answers it', async () => {
    const { ref, token } = await runningAttempt();
    expect(await persistence.loadProgress(ref)).toBeUndefined();
    const res = await post(ref, 'progress', token, progress(7));
    expect(res.status, res.text).toBe(204);
    expect(await persistence.loadProgress(ref)).toEqual(progress(7));
    expect((await attemptRow(ref)).stats).toMatchObject({ recordsEmitted: 7, recordsCommitted: 6, streams: [{ name: 'users', namespace: 'public', recordsEmitted: 7 }] });
  });

  it('state answered 204 is in the database, with the totals at that commit', async () => {
    const { ref, token } = await runningAttempt();
    const res = await post(ref, 'state', token, { state: streamState(42), totals: totals(42) });
    expect(res.status, res.text).toBe(204);
    const row = await api.dataSource.getRepository(ConnectionStateEntity).findOneByOrFail({ connectionId: ref.connectionId });
    expect(row).toMatchObject({ stateType: 'stream', state: streamState(42) });
    expect(await persistence.loadState(ref.connectionId)).toEqual(streamState(42));
    expect((await attemptRow(ref)).stats).toMatchObject({ recordsCommitted: 42, bytesCommitted: 420 });
    // an empty state forgets what was committed
    expect((await post(ref, 'state', token, { state: [], totals: totals(43) })).status).toBe(204);
    expect(await persistence.loadState(ref.connectionId)).toBeUndefined();
  });

  it("logs are appended in order, masked with the connection's secrets, and readable through GET /jobs/{id}/attempts/{n}/logs", async () => {
    const { ref, token } = await runningAttempt();
    const batch = (call: number, size: number) =>
      Array.from({ length: size }, (_, n) => ({ timestamp: 1_764_800_000_000 + n, level: 'info', origin: 'destination', message: `call ${call} line ${n} key=${SECRET}` }));
    // calls sent at once: each call's lines stay together, in their order
    const results = await Promise.all([1, 2, 3].map((call) => post(ref, 'logs', token, { entries: batch(call, 1500) })));
    expect(results.map((r) => r.status)).toEqual([204, 204, 204]);
    expect((await post(ref, 'logs', token, { entries: [{ timestamp: 1_764_800_009_000, level: 'error', origin: 'replication', message: 'the end' }] })).status).toBe(204);

    const entries = await readLog(ref);
    expect(entries).toHaveLength(4501);
    expect(JSON.stringify(entries)).not.toContain(SECRET);
    expect(entries[0]!.message).toBe('call 1 line 0 key=**********');
    const calls = entries.slice(0, 4500).map((e) => Number(/^call (\d)/.exec(e.message)![1]));
    for (let block = 0; block < 3; block++) {
      const first = calls[block * 1500]!;
      expect(calls.slice(block * 1500, block * 1500 + 1500).every((c) => c === first), `block ${block} is one call's`).toBe(true);
      expect(entries.slice(block * 1500, block * 1500 + 1500).map((e) => /line (\d+)/.exec(e.message)![1])).toEqual(Array.from({ length: 1500 }, (_, n) => String(n)));
    }
    expect(new Set([calls[0], calls[1500], calls[3000]]).size).toBe(3);
    expect(entries.at(-1)).toEqual({ timestamp: new Date(1_764_800_009_000).toISOString(), level: 'error', origin: 'replication', message: 'the end' });
  });

  it('a config update is validated against the spec and saved to the attempt’s actor (422 naming the field otherwise)', async () => {
    const { ref, token, sourceId } = await runningAttempt();
    const saved = await post(ref, 'config-updates', token, { role: 'source', config: { count: 11, api_key: 'sk-rotated-0123456789' } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toEqual({ changedFields: ['api_key', 'count'] });
    expect((await persistence.loadConnectorConfig(sourceId)).config).toEqual({ count: 11, api_key: 'sk-rotated-0123456789' });

    const invalid = await post(ref, 'config-updates', token, { role: 'source', config: { count: 'eleven' } });
    expect(invalid.status, invalid.text).toBe(422);
    expect(invalid.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(invalid.body)).toContain('/count');
    expect((await persistence.loadConnectorConfig(sourceId)).config).toEqual({ count: 11, api_key: 'sk-rotated-0123456789' });
    // a rotated secret is masked in later log lines too
    expect((await post(ref, 'logs', token, { entries: [{ timestamp: 1, level: 'info', origin: 'source', message: 'token sk-rotated-0123456789' }] })).status).toBe(204);
    expect((await readLog(ref)).map((e) => e.message)).toEqual(['token **********']);
  });

  it('the outcome is kept on the attempt for the worker (loadRunnerOutcome)', async () => {
    const { ref, token } = await runningAttempt();
    expect(await persistence.loadRunnerOutcome(ref)).toBeUndefined();
    const res = await post(ref, 'outcome', token, outcome);
    expect(res.status, res.text).toBe(204);
    expect(await persistence.loadRunnerOutcome(ref)).toEqual(outcome);
  });

  it('refuses, and writes nothing for, no token, a user API token, the token of another attempt, and a finished attempt’s token', async () => {
    const target = await runningAttempt();
    const other = await runningAttempt();
    const before = await written(target.ref, target.sourceId);
    const refusals: [string | null, number][] = [
      [null, 401],
      [api.token, 401],
      ['trr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 401],
      [other.token, 403],
    ];
    for (const [what, body] of validCalls) {
      for (const [token, status] of refusals) {
        const res = await post(target.ref, what, token, body);
        expect(res.status, `${what} with ${token?.slice(0, 4) ?? 'no token'}: ${res.text}`).toBe(status);
        expect(res.contentType).toMatch(/^application\/problem\+json/);
      }
    }
    expect(await written(target.ref, target.sourceId)).toEqual(before);

    // a token issued again replaces the earlier one
    const reissued = await persistence.issueRunnerToken(target.ref);
    expect((await post(target.ref, 'progress', target.token, progress(1))).status).toBe(401);
    expect(await written(target.ref, target.sourceId)).toEqual(before);
    expect((await post(target.ref, 'progress', reissued, progress(1))).status).toBe(204);

    // once the attempt has finished, its token opens nothing
    await persistence.finishAttempt(target.ref, { ...outcome, status: 'succeeded', failures: [] });
    const finished = await written(target.ref, target.sourceId);
    for (const [what, body] of validCalls) {
      const res = await post(target.ref, what, reissued, body);
      expect(res.status, `${what} after the attempt finished: ${res.text}`).toBe(401);
    }
    expect(await written(target.ref, target.sourceId)).toEqual(finished);
  });

  it('a runner credential is issued only for a running attempt of that connection', async () => {
    const { ref, token } = await runningAttempt();
    const other = await runningAttempt();
    expect(token).toMatch(/^trr_[A-Za-z0-9_-]{43}$/);
    // only the hash is stored
    const [{ hash }] = (await api.dataSource.query('SELECT runner_token_hash AS hash FROM attempt WHERE job_id = $1', [ref.jobId])) as [{ hash: string }];
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await expect(persistence.issueRunnerToken({ ...ref, connectionId: other.ref.connectionId })).rejects.toMatchObject({ code: 'not_found' });
    await expect(persistence.issueRunnerToken({ ...ref, attemptNumber: 2 })).rejects.toMatchObject({ code: 'not_found' });
    await persistence.finishAttempt(ref, outcome);
    await expect(persistence.issueRunnerToken(ref)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a bad body is a 400 problem+json naming the field, and writes nothing', async () => {
    const { ref, token, sourceId } = await runningAttempt();
    const before = await written(ref, sourceId);
    const bad: [string, unknown, string][] = [
      ['progress', { ...progress(3), recordsEmitted: -1 }, '/recordsEmitted'],
      ['progress', { ...progress(3), streams: [{ name: 'users' }] }, '/streams/0/recordsEmitted'],
      ['progress', { ...progress(3), unknownField: 1 }, '/unknownField'],
      ['state', { state: streamState(1), totals: { ...totals(1), recordsCommitted: 'many' } }, '/totals/recordsCommitted'],
      ['state', { state: [{ type: 'STREAM' }], totals: totals(1) }, '/state/0/stream'],
      ['state', { totals: totals(1) }, '/state'],
      ['logs', { entries: [{ timestamp: 1, level: 'loud', origin: 'source', message: 'x' }] }, '/entries/0/level'],
      ['logs', { entries: Array.from({ length: 5001 }, () => ({ timestamp: 1, level: 'info', origin: 'source', message: 'x' })) }, '/entries'],
      ['config-updates', { role: 'orchestrator', config: {} }, '/role'],
      ['config-updates', { role: 'source', config: 'count=3' }, '/config'],
      ['outcome', { ...outcome, status: 'maybe' }, '/status'],
      ['outcome', { ...outcome, failures: [{ origin: 'source', type: 'oops', message: 'x', timestamp: 1 }] }, '/failures/0/type'],
    ];
    for (const [what, body, field] of bad) {
      const res = await post(ref, what, token, body);
      expect(res.status, `${what} ${field}: ${res.text}`).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.body), `${what} names ${field}`).toContain(field);
    }
    expect(await written(ref, sourceId)).toEqual(before);
  });
});
