import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { CreateSourceDto, SourcePageDto, SourceResponseDto, ListActorsQueryDto, UpdateSourceDto, toActorResponse } from './actor.dto.js';
import { ActorCommandsService } from './actor-commands.service.js';
import { CheckConfigurationDto, CheckConnectionResponseDto, CheckSavedActorDto, DiscoverSchemaQueryDto, SourceSchemaResponseDto, toSourceSchemaResponse } from './actor-commands.dto.js';
import { ActorsService } from './actors.service.js';

@ApiTags('sources')
@Controller('sources')
export class SourcesController {
  constructor(
    @Inject(ActorsService) private readonly service: ActorsService,
    @Inject(ActorCommandsService) private readonly commands: ActorCommandsService,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'createSource', summary: 'Create a source; its configuration is validated against the connector spec' })
  @ApiCreatedResponse({ type: SourceResponseDto })
  @ApiProblems(400, 404, 422, 502, 503, 504)
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
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async update(@Param('sourceId', UuidParamPipe) sourceId: string, @Body() body: UpdateSourceDto): Promise<SourceResponseDto> {
    const { entity, configuration } = await this.service.update('source', sourceId, body);
    return toActorResponse(entity, configuration);
  }

  @Post('check')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'checkSourceConfiguration',
    summary: 'Check a source configuration before saving it: validated against the spec, then the connector runs `check` on a worker',
  })
  @ApiOkResponse({ type: CheckConnectionResponseDto, description: "The connector's verdict (a failed check is a normal answer)" })
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async checkConfiguration(@Body() body: CheckConfigurationDto): Promise<CheckConnectionResponseDto> {
    return this.commands.checkConfiguration('source', body);
  }

  @Post(':sourceId/check')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'checkSource',
    summary: 'Check that the source can connect with its saved configuration, or with an edited one sent in the body (not saved)',
  })
  @ApiBody({ type: CheckSavedActorDto, required: false })
  @ApiOkResponse({ type: CheckConnectionResponseDto, description: "The connector's verdict (a failed check is a normal answer)" })
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async check(@Param('sourceId', UuidParamPipe) sourceId: string, @Body() body: CheckSavedActorDto): Promise<CheckConnectionResponseDto> {
    return this.commands.checkSaved('source', sourceId, body.configuration);
  }

  @Post(':sourceId/discover')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'discoverSourceSchema',
    summary: "The source's streams: the newest stored catalog, or (refresh=true, or none stored) the one `discover` returns now on a worker",
  })
  @ApiOkResponse({ type: SourceSchemaResponseDto })
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async discover(@Param('sourceId', UuidParamPipe) sourceId: string, @Query() query: DiscoverSchemaQueryDto): Promise<SourceSchemaResponseDto> {
    const { catalog, cached } = await this.commands.discover(sourceId, query.refresh ?? false);
    return toSourceSchemaResponse(catalog, cached);
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
