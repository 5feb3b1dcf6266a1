import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { CreateSourceDto, SourcePageDto, SourceResponseDto, ListActorsQueryDto, UpdateSourceDto, toActorResponse } from './actor.dto.js';
import { ActorsService } from './actors.service.js';

@ApiTags('sources')
@Controller('sources')
export class SourcesController {
  constructor(@Inject(ActorsService) private readonly service: ActorsService) {}

  @Post()
  @ApiOperation({ operationId: 'createSource', summary: 'Create a source; its configuration is validated against the connector spec' })
  @ApiCreatedResponse({ type: SourceResponseDto })
  @ApiProblems(400, 404, 422, 503)
  async create(@Body() body: CreateSourceDto): Promise<SourceResponseDto> {
    const { entity, configuration } = await this.service.create('source', body);
    return toActorResponse(entity, configuration);
  }

  @Get()
  @ApiOperation({ operationId: 'listSources' })
  @ApiOkResponse({ type: SourcePageDto })
  @ApiProblems(400)
  async list(@Query() query: ListActorsQueryDto): Promise<Page<SourceResponseDto>> {
    return toPage(await this.service.list('source', query), query, (a) => toActorResponse(a.entity, a.configuration));
  }

  @Get(':sourceId')
  @ApiOperation({ operationId: 'getSource' })
  @ApiOkResponse({ type: SourceResponseDto })
  @ApiProblems(400, 404)
  async get(@Param('sourceId', UuidParamPipe) sourceId: string): Promise<SourceResponseDto> {
    const { entity, configuration } = await this.service.get('source', sourceId);
    return toActorResponse(entity, configuration);
  }

  @Patch(':sourceId')
  @ApiOperation({ operationId: 'updateSource', summary: 'Rename a source or replace its configuration (masked secrets keep their stored value)' })
  @ApiOkResponse({ type: SourceResponseDto })
  @ApiProblems(400, 404, 422, 503)
  async update(@Param('sourceId', UuidParamPipe) sourceId: string, @Body() body: UpdateSourceDto): Promise<SourceResponseDto> {
    const { entity, configuration } = await this.service.update('source', sourceId, body);
    return toActorResponse(entity, configuration);
  }

  @Delete(':sourceId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteSource' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 409)
  async delete(@Param('sourceId', UuidParamPipe) sourceId: string): Promise<void> {
    await this.service.delete('source', sourceId);
  }
}
