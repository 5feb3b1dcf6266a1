// The dispatcher's last try: a delivery that fails its 8th time is failed for good, with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationChannelEntity, NotificationDeliveryEntity } from '@tributary/db';
import { freePort } from '@tributary/testing';
import { startApiHarness, type ApiHarness } from '@tributary/testing/server';
import { MAX_DELIVERY_ATTEMPTS, NotificationDispatcher } from './notifications/notification-dispatcher.js';

describe('the notification dispatcher', () => {
  let api: ApiHarness;
  // interval 0: no background rounds, the test runs them
  beforeAll(async () => (api = await startApiHarness({ notifications: { intervalMs: 0, retryBaseMs: 10 } })));
  afterAll(() => api?.close());

  it('tries an unreachable receiver again, then fails the delivery for good at the last try, saying why', async () => {
    const channel = await api.dataSource
      .getRepository(NotificationChannelEntity)
      .save({ workspaceId: api.workspaceId, name: 'nowhere', kind: 'slack', url: `http://127.0.0.1:${await freePort()}/hook`, events: ['sync.failed'], secret: null, enabled: true });
    const deliveries = api.dataSource.getRepository(NotificationDeliveryEntity);
    const event = { type: 'io.tributary.test', data: { message: 'hi' } };
    const early = await deliveries.save({ channelId: channel.id, eventType: 'io.tributary.test', event, attempts: 0 });
    const last = await deliveries.save({ channelId: channel.id, eventType: 'io.tributary.test', event, attempts: MAX_DELIVERY_ATTEMPTS - 1 });

    expect(await api.app.get(NotificationDispatcher).sendDue()).toBe(2);
    const retried = await deliveries.findOneByOrFail({ id: early.id });
    expect(retried).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(retried.lastError).toMatch(/ECONNREFUSED/);
    expect(retried.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    const failed = await deliveries.findOneByOrFail({ id: last.id });
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, deliveredAt: null });
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
    // a failed delivery is not sent again
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await api.app.get(NotificationDispatcher).sendDue()).toBe(1);
    expect((await deliveries.findOneByOrFail({ id: last.id })).attempts).toBe(MAX_DELIVERY_ATTEMPTS);
  });
});
