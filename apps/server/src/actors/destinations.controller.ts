import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { CreateDestinationDto, DestinationPageDto, DestinationResponseDto, ListActorsQueryDto, UpdateDestinationDto, toActorResponse } from './actor.dto.js';
import { ActorCommandsService } from './actor-commands.service.js';
import { CheckConfigurationDto, CheckConnectionResponseDto, CheckSavedActorDto } from './actor-commands.dto.js';
import { ActorsService } from './actors.service.js';

@ApiTags('destinations')
@Controller('destinations')
export class DestinationsController {
  constructor(
    @Inject(ActorsService) private readonly service: ActorsService,
    @Inject(ActorCommandsService) private readonly commands: ActorCommandsService,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'createDestination', summary: 'Create a destination; its configuration is validated against the connector spec' })
  @ApiCreatedResponse({ type: DestinationResponseDto })
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async create(@Body() body: CreateDestinationDto): Promise<DestinationResponseDto> {
    const { entity, configuration } = await this.service.create('destination', body);
    return toActorResponse(entity, configuration);
  }

  @Get()
  @ApiOperation({ operationId: 'listDestinations' })
  @ApiOkResponse({ type: DestinationPageDto })
  @ApiProblems(400)
  async list(@Query() query: ListActorsQueryDto): Promise<Page<DestinationResponseDto>> {
    return toPage(await this.service.list('destination', query), query, (a) => toActorResponse(a.entity, a.configuration));
  }

  @Get(':destinationId')
  @ApiOperation({ operationId: 'getDestination' })
  @ApiOkResponse({ type: DestinationResponseDto })
  @ApiProblems(400, 404)
  async get(@Param('destinationId', UuidParamPipe) destinationId: string): Promise<DestinationResponseDto> {
    const { entity, configuration } = await this.service.get('destination', destinationId);
    return toActorResponse(entity, configuration);
  }

  @Patch(':destinationId')
  @ApiOperation({ operationId: 'updateDestination', summary: 'Rename a destination or replace its configuration (masked secrets keep their stored value)' })
  @ApiOkResponse({ type: DestinationResponseDto })
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async update(@Param('destinationId', UuidParamPipe) destinationId: string, @Body() body: UpdateDestinationDto): Promise<DestinationResponseDto> {
    const { entity, configuration } = await this.service.update('destination', destinationId, body);
    return toActorResponse(entity, configuration);
  }

  @Post('check')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'checkDestinationConfiguration',
    summary: 'Check a destination configuration before saving it: validated against the spec, then the connector runs `check` on a worker',
  })
  @ApiOkResponse({ type: CheckConnectionResponseDto, description: "The connector's verdict (a failed check is a normal answer)" })
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async checkConfiguration(@Body() body: CheckConfigurationDto): Promise<CheckConnectionResponseDto> {
    return this.commands.checkConfiguration('destination', body);
  }

  @Post(':destinationId/check')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'checkDestination',
    summary: 'Check that the destination can connect with its saved configuration, or with an edited one sent in the body (not saved)',
  })
  @ApiBody({ type: CheckSavedActorDto, required: false })
  @ApiOkResponse({ type: CheckConnectionResponseDto, description: "The connector's verdict (a failed check is a normal answer)" })
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async check(@Param('destinationId', UuidParamPipe) destinationId: string, @Body() body: CheckSavedActorDto): Promise<CheckConnectionResponseDto> {
    return this.commands.checkSaved('destination', destinationId, body.configuration);
  }

  @Delete(':destinationId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteDestination' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 409)
  async delete(@Param('destinationId', UuidParamPipe) destinationId: string): Promise<void> {
    await this.service.delete('destination', destinationId);
  }
}
