import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '@tributary/domain';
import type { FastifyRequest } from 'fastify';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { PageQueryDto, toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { CreatedTriggerResponseDto, CreateTriggerDto, FiredTriggerResponseDto, toTriggerResponse, TriggerPageDto, type TriggerResponseDto } from './trigger.dto.js';
import { TRIGGER_TOKEN_PATTERN, TriggersService } from './triggers.service.js';

export const SYNC_TRIGGERS_PATH = 'sync-triggers';

@ApiTags('connections')
@Controller()
export class TriggersController {
  constructor(@Inject(TriggersService) private readonly service: TriggersService) {}

  @Post('connections/:connectionId/triggers')
  @ApiOperation({ operationId: 'createConnectionTrigger', summary: 'Create a URL that starts a sync of the connection when POSTed to (shown once)' })
  @ApiCreatedResponse({ type: CreatedTriggerResponseDto })
  @ApiProblems(400, 404)
  async create(
    @CallerScope() scope: WorkspaceScope,
    @Param('connectionId', UuidParamPipe) connectionId: string,
    @Body() body: CreateTriggerDto,
    @Req() request: FastifyRequest,
  ): Promise<CreatedTriggerResponseDto> {
    const { entity, token } = await this.service.create(scope, connectionId, body.name);
    const origin = `${request.protocol}://${request.host}`;
    return { ...toTriggerResponse(entity), url: `${origin}/api/v1/${SYNC_TRIGGERS_PATH}/${token}` };
  }

  @Get('connections/:connectionId/triggers')
  @ApiOperation({ operationId: 'listConnectionTriggers', summary: "A connection's triggers (never their tokens)" })
  @ApiOkResponse({ type: TriggerPageDto })
  @ApiProblems(400, 404)
  async list(
    @CallerScope() scope: WorkspaceScope,
    @Param('connectionId', UuidParamPipe) connectionId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<TriggerResponseDto>> {
    return toPage(await this.service.list(scope, connectionId, query), query, toTriggerResponse);
  }

  @Delete('connections/:connectionId/triggers/:triggerId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokeConnectionTrigger', summary: 'Revoke a trigger: its URL starts nothing any more' })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked)' })
  @ApiProblems(400, 404)
  async revoke(
    @CallerScope() scope: WorkspaceScope,
    @Param('connectionId', UuidParamPipe) connectionId: string,
    @Param('triggerId', UuidParamPipe) triggerId: string,
  ): Promise<void> {
    await this.service.revoke(scope, connectionId, triggerId);
  }

  @Post(`${SYNC_TRIGGERS_PATH}/:token`)
  @HttpCode(202)
  @ApiOperation({
    operationId: 'fireSyncTrigger',
    summary: "Start a sync of the trigger's connection (the token in the URL is the credential; at most one sync per 10 s)",
  })
  @ApiAcceptedResponse({ type: FiredTriggerResponseDto })
  @ApiProblems(
    400,
    [404, 'No such trigger, or it was revoked'],
    [409, 'A job is already running (`runningJobId`), or the connection is not active'],
    [429, 'The trigger fired less than 10 s ago (Retry-After)'],
    [503, 'Temporal is unreachable, or no worker polls the task queue'],
  )
  async fire(@Param('token') token: string): Promise<FiredTriggerResponseDto> {
    if (!TRIGGER_TOKEN_PATTERN.test(token)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'token must be a trigger token (trt_ and 43 characters)', {
        fieldErrors: [{ path: 'token', message: 'must be a trigger token', in: 'path' }],
      });
    }
    return { jobId: await this.service.fire(token) };
  }
}
