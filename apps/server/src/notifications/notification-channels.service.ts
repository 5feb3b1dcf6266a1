import { notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { encryptValue, enqueueNotification, NotificationChannelEntity, NotificationDeliveryEntity } from '@tributary/db';
import { assertBodyWorkspace, scopedWorkspaceId, type WorkspaceScope } from '../auth/workspace-scope.js';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
import { DATA_SOURCE, SECRET_KEY } from '../infrastructure/tokens.js';
import type { CreateNotificationChannelDto, ListNotificationChannelsQueryDto, UpdateNotificationChannelDto } from './notification-channel.dto.js';
import { newWebhookSecret } from './webhook-signature.js';

/** The context a channel's signing secret is encrypted for: it cannot be moved to another channel. */
export const channelSecretContext = (channelId: string) => `notification channel ${channelId} secret`;

@Injectable()
export class NotificationChannelsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SECRET_KEY) private readonly secretKey: Buffer,
  ) {}

  private get channels() {
    return this.dataSource.getRepository(NotificationChannelEntity);
  }

  /** A new channel, and its signing secret in clear (webhook channels; shown once, stored encrypted). */
  async create(scope: WorkspaceScope, input: CreateNotificationChannelDto): Promise<{ entity: NotificationChannelEntity; secret: string | null }> {
    await assertBodyWorkspace(this.dataSource, scope, input.workspaceId);
    const secret = input.kind === 'webhook' ? newWebhookSecret() : null;
    const entity = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(NotificationChannelEntity);
      // the secret is encrypted for the channel's id, known once the row exists
      const saved: NotificationChannelEntity = await repo.save({
        workspaceId: input.workspaceId,
        name: input.name,
        kind: input.kind,
        url: input.url,
        events: input.events,
        secret: null,
        enabled: true,
      });
      if (secret) {
        saved.secret = encryptValue(this.secretKey, secret, channelSecretContext(saved.id));
        await repo.update({ id: saved.id }, { secret: saved.secret });
      }
      return saved;
    });
    return { entity, secret };
  }

  list(scope: WorkspaceScope, query: ListNotificationChannelsQueryDto): Promise<NotificationChannelEntity[]> {
    const own = scopedWorkspaceId(scope);
    if (own && query.workspaceId && query.workspaceId !== own) return Promise.resolve([]);
    const workspaceId = query.workspaceId ?? own;
    return this.channels.find({ where: workspaceId ? { workspaceId } : {}, order: { createdAt: 'ASC', id: 'ASC' }, ...pageWindow(query) });
  }

  /** 404 for a channel of another workspace, as for one that does not exist. */
  async get(scope: WorkspaceScope, id: string): Promise<NotificationChannelEntity> {
    const workspaceId = scopedWorkspaceId(scope);
    const channel = await this.channels.findOneBy({ id, ...(workspaceId ? { workspaceId } : {}) });
    if (!channel) throw notFound('notification channel', id);
    return channel;
  }

  async update(scope: WorkspaceScope, id: string, changes: UpdateNotificationChannelDto): Promise<NotificationChannelEntity> {
    const channel = await this.get(scope, id);
    Object.assign(channel, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)));
    return this.channels.save(channel);
  }

  async delete(scope: WorkspaceScope, id: string): Promise<void> {
    await this.channels.delete({ id: (await this.get(scope, id)).id });
  }

  /** Queues a test event for this channel alone (sent within seconds by the dispatcher; see its deliveries). */
  async sendTest(scope: WorkspaceScope, id: string): Promise<NotificationDeliveryEntity> {
    const channel = await this.get(scope, id);
    return this.dataSource.transaction(async (manager) => {
      const [deliveryId] = await enqueueNotification(
        manager,
        {
          event: 'test',
          workspaceId: channel.workspaceId,
          subject: `notification-channels/${channel.id}`,
          data: { workspaceId: channel.workspaceId, channelId: channel.id, message: `A test from Tributary for the channel "${channel.name}"` },
        },
        channel.id,
      );
      return manager.getRepository(NotificationDeliveryEntity).findOneByOrFail({ id: deliveryId });
    });
  }

  async deliveries(scope: WorkspaceScope, id: string, query: PageQueryDto): Promise<NotificationDeliveryEntity[]> {
    const channel = await this.get(scope, id);
    return this.dataSource
      .getRepository(NotificationDeliveryEntity)
      .find({ where: { channelId: channel.id }, order: { createdAt: 'DESC', id: 'DESC' }, ...pageWindow(query) });
  }
}
