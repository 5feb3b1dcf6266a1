// Event-triggered syncs: a trigger URL starts a sync of its connection through the real stack
// (Temporal dev server, a worker process, PostgreSQL), with no other credential.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@tributary/testing';
import { sampleSyncs, startServerWithWorker, type ApiHarness, type SampleSyncs, type ServerWithWorker } from '@tributary/testing/server';

describe('sync triggers', () => {
  let stack: ServerWithWorker | undefined;
  let api: ApiHarness;
  let syncs: SampleSyncs;

  beforeAll(async () => {
    stack = await startServerWithWorker('triggers');
    api = stack.api;
    syncs = await sampleSyncs(api);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const post = (url: string) => fetch(url, { method: 'POST' });
  const jobStatus = async (jobId: string) => ((await api.request('GET', `/api/v1/jobs/${jobId}`)).body as { status: string }).status;

  it('a trigger URL starts a sync with no other credential, at most once per 10 s, until it is revoked; its token is never logged', async () => {
    const connectionId = await syncs.connection({ count: 30 });
    const created = await api.request('POST', `/api/v1/connections/${connectionId}/triggers`, { body: { name: 'after dbt' } });
    expect(created.status, created.text).toBe(201);
    const trigger = created.body as { id: string; url: string; prefix: string; lastFiredAt: string | null };
    expect(trigger.url).toMatch(new RegExp(`^${api.baseUrl}/api/v1/sync-triggers/trt_[A-Za-z0-9_-]{43}$`));
    const token = trigger.url.split('/').pop()!;
    expect(token.startsWith(trigger.prefix)).toBe(true);
    // listed without its token
    const listed = await api.request('GET', `/api/v1/connections/${connectionId}/triggers`);
    expect(listed.text).not.toContain(token);
    expect((listed.body as { data: { id: string }[] }).data.map((t) => t.id)).toEqual([trigger.id]);

    const fired = await post(trigger.url);
    expect(fired.status, await fired.clone().text()).toBe(202);
    const { jobId } = (await fired.json()) as { jobId: string };
    await waitFor('the triggered job to end', async () => ((await jobStatus(jobId)) === 'running' ? undefined : true), 60_000, 200);
    expect(await jobStatus(jobId)).toBe('succeeded');

    const again = await post(trigger.url);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('10');
    expect(((await again.json()) as { code: string }).code).toBe('rate_limited');

    expect((await api.request('DELETE', `/api/v1/connections/${connectionId}/triggers/${trigger.id}`)).status).toBe(204);
    const revoked = await post(trigger.url);
    expect(revoked.status).toBe(404);
    expect((await post(`${api.baseUrl}/api/v1/sync-triggers/trt_${'A'.repeat(43)}`)).status).toBe(404);
    const malformed = await post(`${api.baseUrl}/api/v1/sync-triggers/not-a-token`);
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('token');

    // a trigger of a connection whose sync is running is refused, naming the running job
    const busy = await syncs.connection({ count: 1000, records_per_batch: 10, sleep_ms_per_batch: 100 });
    const busyTrigger = (await api.request('POST', `/api/v1/connections/${busy}/triggers`, { body: { name: 'busy' } })).body as { url: string };
    const running = await api.request('POST', '/api/v1/jobs', { body: { connectionId: busy, jobType: 'sync' } });
    expect(running.status, running.text).toBe(201);
    const refused = await post(busyTrigger.url);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ runningJobId: (running.body as { id: string }).id });
    await api.request('POST', `/api/v1/jobs/${(running.body as { id: string }).id}/cancel`);

    expect(api.logLines.join('')).toContain('/api/v1/sync-triggers/trt_');
    expect(api.logLines.join('')).not.toContain(token);
    expect(api.logLines.join('')).not.toContain(token.slice(12));
  });
});
