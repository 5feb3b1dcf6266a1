/**
 * What a workspace can be told about, and how. Each channel subscribes to some of these events;
 * a `webhook` channel receives them as signed CloudEvents 1.0 (type `io.tributary.<event>`), a
 * `slack` channel as a readable message for a Slack-compatible incoming webhook.
 */
export const NOTIFICATION_EVENTS = ['sync.succeeded', 'sync.failed', 'connection.disabled', 'schema.change_detected', 'schema.change_applied'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_CHANNEL_KINDS = ['webhook', 'slack'] as const;
export type NotificationChannelKind = (typeof NOTIFICATION_CHANNEL_KINDS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The CloudEvents `type` of an event: reverse-DNS, as the spec recommends. */
export const cloudEventType = (event: NotificationEvent | 'test'): string => `io.tributary.${event}`;
