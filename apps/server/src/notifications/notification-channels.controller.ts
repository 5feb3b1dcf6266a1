import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { PageQueryDto, toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import {
  CreateNotificationChannelDto,
  CreatedNotificationChannelResponseDto,
  ListNotificationChannelsQueryDto,
  NotificationChannelPageDto,
  NotificationChannelResponseDto,
  NotificationDeliveryPageDto,
  NotificationDeliveryResponseDto,
  toChannelResponse,
  toDeliveryResponse,
  UpdateNotificationChannelDto,
} from './notification-channel.dto.js';
import { NotificationChannelsService } from './notification-channels.service.js';

@ApiTags('notifications')
@Controller('notification-channels')
export class NotificationChannelsController {
  constructor(@Inject(NotificationChannelsService) private readonly service: NotificationChannelsService) {}

  @Post()
  @ApiOperation({ operationId: 'createNotificationChannel', summary: "Add a notification channel to a workspace (a webhook channel's signing secret is shown once)" })
  @ApiCreatedResponse({ type: CreatedNotificationChannelResponseDto })
  @ApiProblems(400, [404, 'No such workspace in the caller\'s scope'])
  async create(@CallerScope() scope: WorkspaceScope, @Body() body: CreateNotificationChannelDto): Promise<CreatedNotificationChannelResponseDto> {
    const { entity, secret } = await this.service.create(scope, body);
    return { ...toChannelResponse(entity), secret };
  }

  @Get()
  @ApiOperation({ operationId: 'listNotificationChannels', summary: 'List notification channels' })
  @ApiOkResponse({ type: NotificationChannelPageDto })
  @ApiProblems(400)
  async list(@CallerScope() scope: WorkspaceScope, @Query() query: ListNotificationChannelsQueryDto): Promise<Page<NotificationChannelResponseDto>> {
    return toPage(await this.service.list(scope, query), query, toChannelResponse);
  }

  @Get(':channelId')
  @ApiOperation({ operationId: 'getNotificationChannel', summary: 'Get a notification channel' })
  @ApiOkResponse({ type: NotificationChannelResponseDto })
  @ApiProblems(400, 404)
  async get(@CallerScope() scope: WorkspaceScope, @Param('channelId', UuidParamPipe) channelId: string): Promise<NotificationChannelResponseDto> {
    return toChannelResponse(await this.service.get(scope, channelId));
  }

  @Patch(':channelId')
  @ApiOperation({ operationId: 'updateNotificationChannel', summary: 'Rename a channel, change its URL or events, or turn it off' })
  @ApiOkResponse({ type: NotificationChannelResponseDto })
  @ApiProblems(400, 404)
  async update(
    @CallerScope() scope: WorkspaceScope,
    @Param('channelId', UuidParamPipe) channelId: string,
    @Body() body: UpdateNotificationChannelDto,
  ): Promise<NotificationChannelResponseDto> {
    return toChannelResponse(await this.service.update(scope, channelId, body));
  }

  @Delete(':channelId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteNotificationChannel', summary: 'Delete a notification channel and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  async delete(@CallerScope() scope: WorkspaceScope, @Param('channelId', UuidParamPipe) channelId: string): Promise<void> {
    await this.service.delete(scope, channelId);
  }

  @Post(':channelId/test')
  @HttpCode(202)
  @ApiOperation({ operationId: 'testNotificationChannel', summary: 'Send a test event to the channel (queued; its delivery shows how it went)' })
  @ApiAcceptedResponse({ type: NotificationDeliveryResponseDto })
  @ApiProblems(400, 404)
  async test(@CallerScope() scope: WorkspaceScope, @Param('channelId', UuidParamPipe) channelId: string): Promise<NotificationDeliveryResponseDto> {
    return toDeliveryResponse(await this.service.sendTest(scope, channelId));
  }

  @Get(':channelId/deliveries')
  @ApiOperation({ operationId: 'listNotificationDeliveries', summary: "A channel's deliveries, newest first: what was sent, how often, and what the receiver answered" })
  @ApiOkResponse({ type: NotificationDeliveryPageDto })
  @ApiProblems(400, 404)
  async deliveries(
    @CallerScope() scope: WorkspaceScope,
    @Param('channelId', UuidParamPipe) channelId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<NotificationDeliveryResponseDto>> {
    return toPage(await this.service.deliveries(scope, channelId, query), query, toDeliveryResponse);
  }
}
