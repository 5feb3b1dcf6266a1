import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { NotificationChannelKind, NotificationEvent } from '@tributary/domain';
import type { SecretEnvelope } from '../secrets/index.js';
import { CreatedAt, UpdatedAt } from './columns.js';
import { WorkspaceEntity } from './workspace.entity.js';

/** Where a workspace's notifications go: a CloudEvents webhook (signed with `secret`) or a Slack incoming webhook. */
@Entity({ name: 'notification_channel' })
@Index('ix_notification_channel_workspace', ['workspaceId', 'createdAt'])
export class NotificationChannelEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_notification_channel' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_notification_channel_workspace' })
  workspace?: WorkspaceEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: NotificationChannelKind;

  /** a Slack webhook URL is itself a credential: shown to workspace admins only */
  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: NotificationEvent[];

  /** the signing secret of a `webhook` channel, encrypted with TRIBUTARY_SECRET_KEY; null for slack */
  @Column({ type: 'jsonb', nullable: true })
  secret!: SecretEnvelope | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
