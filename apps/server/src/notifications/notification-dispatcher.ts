/**
 * Sends the notification outbox. Every interval it takes the due deliveries (a lease on each row,
 * so several server replicas never send one twice at once), POSTs them to their channels and
 * records the answer: delivered on 2xx, else tried again with backoff (base x 4^n, at most an hour)
 * until MAX_DELIVERY_ATTEMPTS, then failed. Syncs never wait for any of this.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@tributary/config';
import { decryptValue, NotificationDeliveryEntity, type CloudEvent } from '@tributary/db';
import { In, type DataSource } from 'typeorm';
import { DATA_SOURCE, LOGGER, NOTIFICATIONS, SECRET_KEY } from '../infrastructure/tokens.js';
import { channelSecretContext } from './notification-channels.service.js';
import { slackMessage } from './slack-message.js';
import { signWebhook } from './webhook-signature.js';

export const MAX_DELIVERY_ATTEMPTS = 8;
const BATCH = 20;
const SEND_TIMEOUT_MS = 10_000;
/** a delivery being sent is leased this long: a server that died mid-send leaves it to another */
const LEASE_SECONDS = 120;
const MAX_BACKOFF_MS = 60 * 60_000;

export interface NotificationSettings {
  /** how often due deliveries are looked for; 0: never (no dispatcher) */
  intervalMs: number;
  /** the first retry's delay; each next one is 4 times longer */
  retryBaseMs: number;
}

type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<unknown> | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_KEY) private readonly secretKey: Buffer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(NOTIFICATIONS) private readonly settings: NotificationSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.cycle) return;
      this.cycle = this.sendDue()
        .catch((error: Error) => this.logger.warn({ err: error }, `notifications: ${error.message}`))
        .finally(() => (this.cycle = undefined));
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  /** Lets the sends under way record their answer (each is bounded by its timeout). */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.cycle;
  }

  /** One round: lease the due deliveries, send them side by side, record each answer. */
  async sendDue(): Promise<number> {
    const leased = (await this.dataSource.query(
      `UPDATE notification_delivery d SET next_attempt_at = now() + make_interval(secs => $2)
         FROM (SELECT id FROM notification_delivery WHERE status = 'pending' AND next_attempt_at <= now()
               ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
        WHERE d.id = due.id RETURNING d.id`,
      [BATCH, LEASE_SECONDS],
    )) as [{ id: string }[], number];
    const ids = leased[0].map((row) => row.id);
    if (ids.length === 0) return 0;
    const deliveries = await this.dataSource.getRepository(NotificationDeliveryEntity).find({ where: { id: In(ids) }, relations: { channel: true } });
    await Promise.all(deliveries.map((delivery) => this.deliver(delivery)));
    return deliveries.length;
  }

  private async deliver(delivery: NotificationDeliveryEntity): Promise<void> {
    const result = await this.send(delivery).catch((error: unknown): SendResult => ({ ok: false, status: null, error: describe(error) }));
    const attempts = delivery.attempts + 1;
    const repo = this.dataSource.getRepository(NotificationDeliveryEntity);
    if (result.ok) {
      await repo.update({ id: delivery.id }, { status: 'delivered', attempts, lastStatusCode: result.status, lastError: null, deliveredAt: new Date() });
      return;
    }
    const failed = attempts >= MAX_DELIVERY_ATTEMPTS;
    const delayMs = Math.min(this.settings.retryBaseMs * 4 ** (attempts - 1), MAX_BACKOFF_MS);
    await repo.update(
      { id: delivery.id },
      { status: failed ? 'failed' : 'pending', attempts, lastStatusCode: result.status, lastError: result.error, nextAttemptAt: new Date(Date.now() + delayMs) },
    );
    this.logger.warn(
      { deliveryId: delivery.id, channelId: delivery.channelId, attempts, status: result.status },
      `notification ${delivery.eventType} to channel ${delivery.channelId} ${failed ? 'failed for good' : 'failed, will retry'}: ${result.error}`,
    );
  }

  private async send(delivery: NotificationDeliveryEntity): Promise<SendResult> {
    const channel = delivery.channel!;
    const event = delivery.event as unknown as CloudEvent;
    const headers: Record<string, string> = { 'user-agent': 'Tributary-Notifications/1' };
    let body: string;
    if (channel.kind === 'slack') {
      body = JSON.stringify(slackMessage(event));
      headers['content-type'] = 'application/json';
    } else {
      body = JSON.stringify(event);
      headers['content-type'] = 'application/cloudevents+json; charset=utf-8';
      const timestamp = Math.floor(Date.now() / 1000);
      const secret = channel.secret ? String(decryptValue(this.secretKey, channel.secret, channelSecretContext(channel.id))) : '';
      headers['webhook-id'] = delivery.id;
      headers['webhook-timestamp'] = String(timestamp);
      headers['webhook-signature'] = signWebhook(secret, delivery.id, timestamp, body);
    }
    // a redirect is not followed: the receiver is the URL the admin configured
    const response = await fetch(channel.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    const text = (await response.text().catch(() => '')).slice(0, 500);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `HTTP ${response.status}${text ? `: ${text}` : ''}` };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name === 'TimeoutError' ? `no answer within ${SEND_TIMEOUT_MS / 1000} s` : error.message}${cause}`;
  }
  return String(error);
}
