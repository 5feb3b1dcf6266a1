// Notifications end to end: real syncs through the API (Temporal dev server, a worker process,
// PostgreSQL) tell a real HTTP receiver on loopback, as a signed CloudEvent or a Slack message.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@tributary/testing';
import { sampleSyncs, startServerWithWorker, type ApiHarness, type SampleSyncs, type ServerWithWorker } from '@tributary/testing/server';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

/** The receiver's side of README's "Verifying a webhook", written out by hand. */
function verifiedByRecipe(secret: string, request: Received): boolean {
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64')}`;
  return String(request.headers['webhook-signature']).split(' ').includes(expected) && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

describe('notifications', () => {
  let stack: ServerWithWorker | undefined;
  let api: ApiHarness;
  let syncs: SampleSyncs;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** answers of /flaky before it answers 200 */
  let flakyFailures = 2;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
        if (req.url === '/flaky' && flakyFailures-- > 0) return void res.writeHead(500).end('not now');
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    stack = await startServerWithWorker('notifications', { TRIBUTARY_JOB_MAX_SUCCESSIVE_COMPLETE_FAILURES: '1' }, { notifications: { intervalMs: 100, retryBaseMs: 300 } });
    api = stack.api;
    syncs = await sampleSyncs(api);
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  async function channel(body: Record<string, unknown>): Promise<{ id: string; secret: string | null }> {
    const res = await api.request('POST', '/api/v1/notification-channels', { body: { workspaceId: api.workspaceId, ...body } });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; secret: string | null };
  }
  const deliveries = async (channelId: string) =>
    ((await api.request('GET', `/api/v1/notification-channels/${channelId}/deliveries`)).body as { data: Delivery[] }).data;
  const settled = (channelId: string, count: number) =>
    waitFor(`${count} settled deliveries of channel ${channelId}`, async () => {
      const list = await deliveries(channelId);
      return list.length >= count && list.every((d) => d.status !== 'pending') ? list : undefined;
    }, 30_000, 100);
  const at = (path: string) => received.filter((r) => r.path === path);

  it('refuses a channel with a bad URL, kind or event, naming the field', async () => {
    for (const [body, field] of [
      [{ name: 'x', kind: 'webhook', url: 'ftp://example.com/x', events: ['sync.failed'] }, 'url'],
      [{ name: 'x', kind: 'email', url: 'https://example.com/x', events: ['sync.failed'] }, 'kind'],
      [{ name: 'x', kind: 'webhook', url: 'https://example.com/x', events: ['sync.exploded'] }, 'events'],
      [{ name: 'x', kind: 'webhook', url: 'https://example.com/x', events: [] }, 'events'],
    ] as const) {
      const res = await api.request('POST', '/api/v1/notification-channels', { body: { workspaceId: api.workspaceId, ...body } });
      expect(res.status, res.text).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.text).toContain(field);
    }
  });

  it('a failed sync sends exactly one signed CloudEvent to a webhook, and a Slack channel a readable message', async () => {
    const hook = await channel({ name: 'on-call', kind: 'webhook', url: `${receiverUrl}/hook`, events: ['sync.failed'] });
    const slack = await channel({ name: 'team', kind: 'slack', url: `${receiverUrl}/slack`, events: ['sync.failed', 'sync.succeeded'] });
    expect(hook.secret).toMatch(/^whsec_/);
    expect(slack.secret).toBeNull();
    // the secret is shown once: never again
    expect((await api.request('GET', `/api/v1/notification-channels/${hook.id}`)).text).not.toContain(hook.secret!);

    const failing = await syncs.connection({ count: 100, fail_after: 10 });
    const job = await syncs.sync(failing);
    expect(job.status).toBe('failed');
    const [delivered] = await settled(hook.id, 1);
    expect(delivered).toMatchObject({ eventType: 'io.tributary.sync.failed', status: 'delivered', attempts: 1, lastStatusCode: 200 });
    await settled(slack.id, 1);

    expect(at('/hook')).toHaveLength(1);
    const [request] = at('/hook');
    expect(request!.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(verifiedByRecipe(hook.secret!, request!)).toBe(true);
    expect(verifiedByRecipe(hook.secret!, { ...request!, body: request!.body.replace('"failed"', '"succeeded"') })).toBe(false);
    const event = JSON.parse(request!.body) as Record<string, unknown> & { data: Record<string, unknown> };
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'io.tributary.sync.failed',
      source: `/tributary/workspaces/${api.workspaceId}`,
      subject: `connections/${failing}`,
      datacontenttype: 'application/json',
    });
    expect(event.data).toMatchObject({ workspaceId: api.workspaceId, connectionId: failing, jobId: job.id, status: 'failed', attempts: 1, failure: { origin: 'source' } });
    expect(event.data.durationSeconds).toEqual(expect.any(Number));
    expect(typeof event.id).toBe('string');

    expect(at('/slack')).toHaveLength(1);
    expect((JSON.parse(at('/slack')[0]!.body) as { text: string }).text).toMatch(/^:x: Sync failed: \*.+\* after 1 attempt\(s\): source error: /);

    // a succeeded sync: the Slack channel hears of it, the webhook (failures only) does not
    const good = await syncs.connection({ count: 120 });
    expect((await syncs.sync(good)).status).toBe('succeeded');
    await settled(slack.id, 2);
    expect((JSON.parse(at('/slack')[1]!.body) as { text: string }).text).toMatch(/^:white_check_mark: Sync succeeded: \*.+\*: 120 records/);
    expect(at('/hook')).toHaveLength(1);

    await api.request('DELETE', `/api/v1/notification-channels/${hook.id}`);
    await api.request('DELETE', `/api/v1/notification-channels/${slack.id}`);
  });

  it('tries a failing receiver again with backoff until it answers; the sync does not wait for it', async () => {
    const flaky = await channel({ name: 'flaky', kind: 'webhook', url: `${receiverUrl}/flaky`, events: ['sync.succeeded'] });
    const connection = await syncs.connection({ count: 50 });
    const job = await syncs.sync(connection);
    expect(job.status).toBe('succeeded');
    const jobEnded = Date.now();
    const [delivery] = await settled(flaky.id, 1);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
    const tries = at('/flaky');
    expect(tries).toHaveLength(3);
    // the same delivery each time (a receiver drops repeats by webhook-id), each signed afresh
    expect(new Set(tries.map((t) => t.headers['webhook-id'])).size).toBe(1);
    expect(tries.every((t) => verifiedByRecipe(flaky.secret!, t))).toBe(true);
    // backoff: the third try comes at least base + 4 x base after the first
    expect(tries[2]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1400);
    expect(tries[2]!.at).toBeGreaterThan(jobEnded);
    await api.request('DELETE', `/api/v1/notification-channels/${flaky.id}`);
  });

  it('sends a test event on request, and logs it', async () => {
    const hook = await channel({ name: 'test me', kind: 'webhook', url: `${receiverUrl}/test`, events: ['connection.disabled'] });
    const res = await api.request('POST', `/api/v1/notification-channels/${hook.id}/test`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({ eventType: 'io.tributary.test', status: 'pending', attempts: 0 });
    const [delivered] = await settled(hook.id, 1);
    expect(delivered).toMatchObject({ id: (res.body as { id: string }).id, status: 'delivered' });
    expect(JSON.parse(at('/test')[0]!.body)).toMatchObject({ type: 'io.tributary.test', data: { channelId: hook.id } });
  });
});
