/**
 * The notification outbox: an event becomes one delivery row per subscribed, enabled channel of
 * its workspace, in the caller's transaction, so it is recorded exactly when what it tells of is
 * (never for a job result that was rolled back, never lost when the server restarts). The server's
 * dispatcher sends them; nothing here waits for a receiver.
 */
import { randomUUID } from 'node:crypto';
import { cloudEventType, type NotificationEvent } from '@tributary/domain';
import type { EntityManager } from 'typeorm';
import { ActorEntity, ConnectionEntity, NotificationChannelEntity, NotificationDeliveryEntity } from '../entities/index.js';

export interface NotificationFacts {
  event: NotificationEvent | 'test';
  workspaceId: string;
  /** what the event is about, as a CloudEvents subject (e.g. connections/<id>) */
  subject: string;
  data: Record<string, unknown>;
}

/** A CloudEvents 1.0 event in structured JSON mode. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

export function toCloudEvent(facts: NotificationFacts, id: string = randomUUID(), time: Date = new Date()): CloudEvent {
  return {
    specversion: '1.0',
    id,
    type: cloudEventType(facts.event),
    source: `/tributary/workspaces/${facts.workspaceId}`,
    subject: facts.subject,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    data: facts.data,
  };
}

/**
 * Queues the event for every enabled channel of its workspace subscribed to it (or for the one
 * channel named, whatever it subscribes to); the ids of the deliveries queued.
 */
export async function enqueueNotification(manager: EntityManager, facts: NotificationFacts, onlyChannelId?: string): Promise<string[]> {
  const channels = await manager.getRepository(NotificationChannelEntity).find({
    where: onlyChannelId ? { id: onlyChannelId, workspaceId: facts.workspaceId } : { workspaceId: facts.workspaceId, enabled: true },
    select: { id: true, events: true },
  });
  const to = onlyChannelId ? channels : channels.filter((c) => facts.event !== 'test' && c.events.includes(facts.event));
  if (to.length === 0) return [];
  const event = toCloudEvent(facts);
  const inserted = await manager
    .getRepository(NotificationDeliveryEntity)
    .insert(to.map((c) => ({ channelId: c.id, eventType: event.type, event: { ...event } })));
  return inserted.identifiers.map((row) => String(row.id));
}

/** The workspace and name of a connection, for the events about it (its source's workspace). */
export async function connectionFacts(manager: EntityManager, connectionId: string): Promise<{ workspaceId: string; connectionName: string } | undefined> {
  const row = await manager
    .getRepository(ConnectionEntity)
    .createQueryBuilder('c')
    .innerJoin(ActorEntity, 'a', 'a.id = c.source_id')
    .select(['c.name AS name', 'a.workspace_id AS workspace_id'])
    .where('c.id = :connectionId', { connectionId })
    .getRawOne<{ name: string; workspace_id: string }>();
  return row ? { workspaceId: row.workspace_id, connectionName: row.name } : undefined;
}
