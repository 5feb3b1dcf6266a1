import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { DeliveryStatus } from '@tributary/domain';
import { CreatedAt } from './columns.js';
import { NotificationChannelEntity } from './notification-channel.entity.js';

/**
 * One event on its way to one channel (an outbox row): written in the same transaction as what
 * it tells of, sent by the server's dispatcher, retried with backoff until delivered or failed.
 */
@Entity({ name: 'notification_delivery' })
@Index('ix_notification_delivery_due', ['status', 'nextAttemptAt'])
@Index('ix_notification_delivery_channel', ['channelId', 'createdAt'])
export class NotificationDeliveryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_notification_delivery' })
  id!: string;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId!: string;

  @ManyToOne(() => NotificationChannelEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'channel_id', foreignKeyConstraintName: 'fk_notification_delivery_channel' })
  channel?: NotificationChannelEntity;

  /** the CloudEvent's `type`, e.g. io.tributary.sync.failed */
  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  /** the CloudEvent itself (structured mode), the same for every channel it goes to */
  @Column({ type: 'jsonb' })
  event!: Record<string, unknown>;

  @Column({ type: 'text', default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** when the dispatcher may (re)send it; also its lease while a send is under way */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreatedAt()
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
