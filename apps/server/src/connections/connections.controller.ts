import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JSON_CONTENT_TYPE, pageJson } from '../common/pagination.dto.js';
import { INVALID_RESOURCE_REQUIREMENTS } from '../common/resource-requirements.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { ConnectionStatusResponseDto } from './connection-status.dto.js';
import { ConnectionStatusService } from './connection-status.service.js';
import {
  ConnectionPageDto,
  ConnectionResponseDto,
  CreateConnectionDto,
  ListConnectionsQueryDto,
  UpdateConnectionDto,
} from './connection.dto.js';
import { toConnectionResponse } from './connection.mapper.js';
import { SchemaChangesResponseDto } from './schema-changes.dto.js';
import { ConnectionsService } from './connections.service.js';

const SAVED_BUT_UNSCHEDULED = 'Saved, but Temporal did not answer: the workflow catches up later (`connectionId` names the connection)';

@ApiTags('connections')
@Controller('connections')
export class ConnectionsController {
  constructor(
    @Inject(ConnectionsService) private readonly service: ConnectionsService,
    @Inject(ConnectionStatusService) private readonly statuses: ConnectionStatusService,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'createConnection',
    summary: "Connect a source to a destination; streams come from the source's discovered catalog",
  })
  @ApiCreatedResponse({ type: ConnectionResponseDto })
  @ApiProblems(400, 404, [409, 'The source has no discovered catalog yet'], INVALID_RESOURCE_REQUIREMENTS, [503, SAVED_BUT_UNSCHEDULED])
  async create(@CallerScope() scope: WorkspaceScope, @Body() body: CreateConnectionDto): Promise<ConnectionResponseDto> {
    return toConnectionResponse(await this.service.create(scope, body));
  }

  @Get()
  @ApiOperation({ operationId: 'listConnections' })
  @ApiOkResponse({ type: ConnectionPageDto })
  @ApiProblems(400)
  @Header('Content-Type', JSON_CONTENT_TYPE)
  async list(@CallerScope() scope: WorkspaceScope, @Query() query: ListConnectionsQueryDto): Promise<string> {
    return pageJson(await this.service.listJson(scope, query), query);
  }

  @Get(':connectionId/status')
  @ApiOperation({
    operationId: 'getConnectionStatus',
    summary: 'The running job with live progress, the last finished job and the next scheduled run',
  })
  @ApiOkResponse({ type: ConnectionStatusResponseDto })
  @ApiProblems(400, 404)
  async status(@CallerScope() scope: WorkspaceScope, @Param('connectionId', UuidParamPipe) connectionId: string): Promise<ConnectionStatusResponseDto> {
    return this.statuses.status(scope, connectionId);
  }

  @Get(':connectionId/schema-changes')
  @ApiOperation({
    operationId: 'getConnectionSchemaChanges',
    summary: "What changed in the source's newest discovered catalog since the connection was configured (discover the source again first to look now)",
  })
  @ApiOkResponse({ type: SchemaChangesResponseDto })
  @ApiProblems(400, 404)
  async schemaChanges(
    @CallerScope() scope: WorkspaceScope,
    @Param('connectionId', UuidParamPipe) connectionId: string,
  ): Promise<SchemaChangesResponseDto> {
    return this.service.schemaChanges(scope, connectionId);
  }

  @Get(':connectionId')
  @ApiOperation({ operationId: 'getConnection' })
  @ApiOkResponse({ type: ConnectionResponseDto })
  @ApiProblems(400, 404)
  @Header('Content-Type', JSON_CONTENT_TYPE)
  async get(@CallerScope() scope: WorkspaceScope, @Param('connectionId', UuidParamPipe) connectionId: string): Promise<string> {
    return this.service.viewJson(scope, connectionId);
  }

  @Patch(':connectionId')
  @ApiOperation({ operationId: 'updateConnection' })
  @ApiOkResponse({ type: ConnectionResponseDto })
  @ApiProblems(400, 404, [409, 'The source has no discovered catalog yet'], INVALID_RESOURCE_REQUIREMENTS, [503, SAVED_BUT_UNSCHEDULED])
  async update(
    @CallerScope() scope: WorkspaceScope,
    @Param('connectionId', UuidParamPipe) connectionId: string,
    @Body() body: UpdateConnectionDto,
  ): Promise<ConnectionResponseDto> {
    return toConnectionResponse(await this.service.update(scope, connectionId, body));
  }

  @Delete(':connectionId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteConnection', summary: 'Delete a connection with its job history and state' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(
    400,
    404,
    [409, 'A job is running on the connection'],
    [503, 'Deleted, but Temporal did not answer: the workflow was not told'],
  )
  async delete(@CallerScope() scope: WorkspaceScope, @Param('connectionId', UuidParamPipe) connectionId: string): Promise<void> {
    await this.service.delete(scope, connectionId);
  }
}
