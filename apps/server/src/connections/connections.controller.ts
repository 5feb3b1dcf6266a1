import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { ConnectionPageDto, ConnectionResponseDto, CreateConnectionDto, ListConnectionsQueryDto, UpdateConnectionDto } from './connection.dto.js';
import { toConnectionResponse } from './connection.mapper.js';
import { ConnectionsService } from './connections.service.js';

@ApiTags('connections')
@Controller('connections')
export class ConnectionsController {
  constructor(@Inject(ConnectionsService) private readonly service: ConnectionsService) {}

  @Post()
  @ApiOperation({ operationId: 'createConnection', summary: "Connect a source to a destination; streams come from the source's discovered catalog" })
  @ApiCreatedResponse({ type: ConnectionResponseDto })
  @ApiProblems(400, 404, [409, 'The source has no discovered catalog yet'])
  async create(@Body() body: CreateConnectionDto): Promise<ConnectionResponseDto> {
    return toConnectionResponse(await this.service.create(body));
  }

  @Get()
  @ApiOperation({ operationId: 'listConnections' })
  @ApiOkResponse({ type: ConnectionPageDto })
  @ApiProblems(400)
  async list(@Query() query: ListConnectionsQueryDto): Promise<Page<ConnectionResponseDto>> {
    return toPage(await this.service.list(query), query, toConnectionResponse);
  }

  @Get(':connectionId')
  @ApiOperation({ operationId: 'getConnection' })
  @ApiOkResponse({ type: ConnectionResponseDto })
  @ApiProblems(400, 404)
  async get(@Param('connectionId', UuidParamPipe) connectionId: string): Promise<ConnectionResponseDto> {
    return toConnectionResponse(await this.service.get(connectionId));
  }

  @Patch(':connectionId')
  @ApiOperation({ operationId: 'updateConnection' })
  @ApiOkResponse({ type: ConnectionResponseDto })
  @ApiProblems(400, 404, [409, 'The source has no discovered catalog yet'])
  async update(@Param('connectionId', UuidParamPipe) connectionId: string, @Body() body: UpdateConnectionDto): Promise<ConnectionResponseDto> {
    return toConnectionResponse(await this.service.update(connectionId, body));
  }

  @Delete(':connectionId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteConnection', summary: 'Delete a connection with its job history and state' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, [409, 'A job is running on the connection'])
  async delete(@Param('connectionId', UuidParamPipe) connectionId: string): Promise<void> {
    await this.service.delete(connectionId);
  }
}
