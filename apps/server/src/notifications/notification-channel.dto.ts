import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import {
  DELIVERY_STATUSES,
  NOTIFICATION_CHANNEL_KINDS,
  NOTIFICATION_EVENTS,
  type DeliveryStatus,
  type NotificationChannelKind,
  type NotificationEvent,
} from '@tributary/domain';
import type { NotificationChannelEntity, NotificationDeliveryEntity } from '@tributary/db';
import { PageOf, PageQueryDto } from '../common/pagination.dto.js';
import { IsOmittable, RequireSomeProperty } from '../validation/request-body.js';

/** http(s), a host name or address, an optional port and path: the same rule in the document and the validator */
const WEBHOOK_URL = /^https?:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?([/?#]\S*)?$/;
const URL_PROPERTY = { format: 'uri', pattern: WEBHOOK_URL.source, maxLength: 2048, description: 'where events are POSTed (http or https); a Slack incoming webhook URL for kind slack' };
const EVENTS_HELP = 'the events this channel receives';

export class CreateNotificationChannelDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workspaceId!: string;

  @ApiProperty({ example: 'on-call', minLength: 1, maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNEL_KINDS, description: 'webhook: signed CloudEvents 1.0 (JSON); slack: a readable message' })
  @IsIn(NOTIFICATION_CHANNEL_KINDS)
  kind!: NotificationChannelKind;

  @ApiProperty({ example: 'https://hooks.example.com/tributary', ...URL_PROPERTY })
  @IsString()
  @MaxLength(2048)
  @Matches(WEBHOOK_URL, { message: 'url must be an http or https URL' })
  url!: string;

  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true, minItems: 1, uniqueItems: true, description: EVENTS_HELP })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NOTIFICATION_EVENTS.length)
  @ArrayUnique()
  @IsIn(NOTIFICATION_EVENTS, { each: true })
  events!: NotificationEvent[];
}

@RequireSomeProperty()
export class UpdateNotificationChannelDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional(URL_PROPERTY)
  @IsOmittable()
  @IsString()
  @MaxLength(2048)
  @Matches(WEBHOOK_URL, { message: 'url must be an http or https URL' })
  url?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_EVENTS, isArray: true, minItems: 1, uniqueItems: true, description: EVENTS_HELP })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NOTIFICATION_EVENTS.length)
  @ArrayUnique()
  @IsIn(NOTIFICATION_EVENTS, { each: true })
  events?: NotificationEvent[];

  @ApiPropertyOptional({ description: 'false: no new deliveries (queued ones are still sent)' })
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export class ListNotificationChannelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IsUUID()
  workspaceId?: string;
}

export class NotificationChannelResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  workspaceId!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: NOTIFICATION_CHANNEL_KINDS })
  kind!: NotificationChannelKind;
  @ApiProperty()
  url!: string;
  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true })
  events!: NotificationEvent[];
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class CreatedNotificationChannelResponseDto extends NotificationChannelResponseDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'a webhook channel\'s signing secret (whsec_...): shown only in this response, store it now; null for slack',
  })
  secret!: string | null;
}

export class NotificationDeliveryResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  channelId!: string;
  @ApiProperty({ example: 'io.tributary.sync.failed' })
  eventType!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the CloudEvent sent (its data for slack channels)' })
  event!: Record<string, unknown>;
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;
  @ApiProperty({ type: 'integer' })
  attempts!: number;
  @ApiProperty({ format: 'date-time', type: String, nullable: true, description: 'the next try of a pending delivery' })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: "the receiver's last HTTP status" })
  lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  deliveredAt!: string | null;
}

export const NotificationChannelPageDto = PageOf(NotificationChannelResponseDto, 'NotificationChannelPage');
export const NotificationDeliveryPageDto = PageOf(NotificationDeliveryResponseDto, 'NotificationDeliveryPage');

export function toChannelResponse(entity: NotificationChannelEntity): NotificationChannelResponseDto {
  return {
    id: entity.id,
    workspaceId: entity.workspaceId,
    name: entity.name,
    kind: entity.kind,
    url: entity.url,
    events: entity.events,
    enabled: entity.enabled,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function toDeliveryResponse(entity: NotificationDeliveryEntity): NotificationDeliveryResponseDto {
  return {
    id: entity.id,
    channelId: entity.channelId,
    eventType: entity.eventType,
    event: entity.event,
    status: entity.status,
    attempts: entity.attempts,
    nextAttemptAt: entity.status === 'pending' ? entity.nextAttemptAt.toISOString() : null,
    lastStatusCode: entity.lastStatusCode,
    lastError: entity.lastError,
    createdAt: entity.createdAt.toISOString(),
    deliveredAt: entity.deliveredAt?.toISOString() ?? null,
  };
}
