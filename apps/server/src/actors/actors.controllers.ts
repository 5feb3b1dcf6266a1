/**
 * Sources and destinations have the same operations (CRUD and check); only the actor type,
 * the names and the DTO classes (distinct in the OpenAPI document) differ, so one factory
 * builds both controllers. Sources add discover.
 */
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, type Type } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActorType } from '@tributary/db';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import {
  CreateDestinationDto,
  CreateSourceDto,
  DestinationPageDto,
  DestinationResponseDto,
  ListActorsQueryDto,
  SourcePageDto,
  SourceResponseDto,
  UpdateDestinationDto,
  UpdateSourceDto,
  toActorResponse,
  // values, not types: the ValidationPipe reads the body's class from decorator metadata
  CreateActorDto,
  UpdateActorDto,
} from './actor.dto.js';
import { ActorCommandsService, type CheckResult } from './actor-commands.service.js';
import { ApiProblem } from '../errors/api-problem.js';
import {
  CheckConfigurationDto,
  CheckConnectionResponseDto,
  CheckSavedActorDto,
  DiscoverSchemaQueryDto,
  SaveActorQueryDto,
  SourceSchemaResponseDto,
  toSourceSchemaResponse,
} from './actor-commands.dto.js';
import { ActorsService } from './actors.service.js';

interface ActorKind {
  actorType: ActorType;
  /** `sources`: the path and the OpenAPI tag */
  path: string;
  /** `Source`: in operation ids and summaries */
  name: string;
  /** the path parameter naming one of them: `sourceId` */
  idParam: string;
  dtos: { create: Type<CreateActorDto>; update: Type<UpdateActorDto>; response: Type<unknown>; page: Type<unknown> };
}

/** `?check=true`: a failed check stops the save, with the connector's words. */
function passedCheck(actorType: ActorType, result: CheckResult): void {
  if (result.status === 'succeeded') return;
  throw new ApiProblem(422, 'check_failed', 'Connection check failed', `the ${actorType} failed its check, nothing was saved: ${result.message ?? 'no reason given'}`);
}

function actorsController(kind: ActorKind) {
  const { actorType, name, dtos, idParam } = kind;
  const id = `:${idParam}`;

  @ApiTags(kind.path)
  @Controller(kind.path)
  class ActorsController {
    constructor(
      @Inject(ActorsService) readonly service: ActorsService,
      @Inject(ActorCommandsService) readonly commands: ActorCommandsService,
    ) {}

    @Post()
    @ApiOperation({ operationId: `create${name}`, summary: `Create a ${actorType}; its configuration is validated against the connector spec (and checked by the connector with ?check=true)` })
    @ApiBody({ type: dtos.create })
    @ApiCreatedResponse({ type: dtos.response })
    @ApiProblems(400, 404, 422, 502, 503, 504)
    async create(@CallerScope() scope: WorkspaceScope, @Body() body: CreateActorDto, @Query() query: SaveActorQueryDto) {
      if (query.check) passedCheck(actorType, await this.commands.checkConfiguration(scope, actorType, body));
      const { entity, configuration } = await this.service.create(scope, actorType, body);
      return toActorResponse(entity, configuration);
    }

    @Get()
    @ApiOperation({ operationId: `list${name}s` })
    @ApiOkResponse({ type: dtos.page })
    @ApiProblems(400)
    async list(@CallerScope() scope: WorkspaceScope, @Query() query: ListActorsQueryDto): Promise<Page<ReturnType<typeof toActorResponse>>> {
      return toPage(await this.service.list(scope, actorType, query), query, (a) => toActorResponse(a.entity, a.configuration));
    }

    @Get(id)
    @ApiOperation({ operationId: `get${name}` })
    @ApiOkResponse({ type: dtos.response })
    @ApiProblems(400, 404)
    async get(@CallerScope() scope: WorkspaceScope, @Param(idParam, UuidParamPipe) actorId: string) {
      const { entity, configuration } = await this.service.get(scope, actorType, actorId);
      return toActorResponse(entity, configuration);
    }

    @Patch(id)
    @ApiOperation({ operationId: `update${name}`, summary: `Rename a ${actorType} or replace its configuration (masked secrets keep their stored value)` })
    @ApiBody({ type: dtos.update })
    @ApiOkResponse({ type: dtos.response })
    @ApiProblems(400, 404, 422, 502, 503, 504)
    async update(
      @CallerScope() scope: WorkspaceScope,
      @Param(idParam, UuidParamPipe) actorId: string,
      @Body() body: UpdateActorDto,
      @Query() query: SaveActorQueryDto,
    ) {
      if (query.check && body.configuration) passedCheck(actorType, await this.commands.checkSaved(scope, actorType, actorId, body.configuration));
      const { entity, configuration } = await this.service.update(scope, actorType, actorId, body);
      return toActorResponse(entity, configuration);
    }

    @Post('check')
    @HttpCode(200)
    @ApiOperation({
      operationId: `check${name}Configuration`,
      summary: `Check a ${actorType} configuration before saving it: validated against the spec, then the connector runs \`check\` on a worker`,
    })
    @ApiOkResponse({ type: CheckConnectionResponseDto, description: "The connector's verdict (a failed check is a normal answer)" })
    @ApiProblems(400, 404, 422, 502, 503, 504)
    async checkConfiguration(@CallerScope() scope: WorkspaceScope, @Body() body: CheckConfigurationDto): Promise<CheckConnectionResponseDto> {
      return this.commands.checkConfiguration(scope, actorType, body);
    }

    @Post(`${id}/check`)
    @HttpCode(200)
    @ApiOperation({
      operationId: `check${name}`,
      summary: `Check that the ${actorType} can connect with its saved configuration, or with an edited one sent in the body (not saved)`,
    })
    @ApiBody({ type: CheckSavedActorDto, required: false })
    @ApiOkResponse({ type: CheckConnectionResponseDto, description: "The connector's verdict (a failed check is a normal answer)" })
    @ApiProblems(400, 404, 422, 502, 503, 504)
    async check(
      @CallerScope() scope: WorkspaceScope,
      @Param(idParam, UuidParamPipe) actorId: string,
      @Body() body: CheckSavedActorDto,
    ): Promise<CheckConnectionResponseDto> {
      return this.commands.checkSaved(scope, actorType, actorId, body.configuration);
    }

    @Delete(id)
    @HttpCode(204)
    @ApiOperation({ operationId: `delete${name}` })
    @ApiNoContentResponse({ description: 'Deleted' })
    @ApiProblems(400, 404, 409)
    async delete(@CallerScope() scope: WorkspaceScope, @Param(idParam, UuidParamPipe) actorId: string): Promise<void> {
      await this.service.delete(scope, actorType, actorId);
    }
  }
  return ActorsController;
}

@Controller('sources')
export class SourcesController extends actorsController({
  actorType: 'source',
  path: 'sources',
  name: 'Source',
  idParam: 'sourceId',
  dtos: { create: CreateSourceDto, update: UpdateSourceDto, response: SourceResponseDto, page: SourcePageDto },
}) {
  @Post(':sourceId/discover')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'discoverSourceSchema',
    summary: "The source's streams: the newest stored catalog, or (refresh=true, or none stored) the one `discover` returns now on a worker",
  })
  @ApiOkResponse({ type: SourceSchemaResponseDto })
  @ApiProblems(400, 404, 422, 502, 503, 504)
  async discover(
    @CallerScope() scope: WorkspaceScope,
    @Param('sourceId', UuidParamPipe) sourceId: string,
    @Query() query: DiscoverSchemaQueryDto,
  ): Promise<SourceSchemaResponseDto> {
    const { catalog, cached } = await this.commands.discover(scope, sourceId, query.refresh ?? false);
    return toSourceSchemaResponse(catalog, cached);
  }
}

@Controller('destinations')
export class DestinationsController extends actorsController({
  actorType: 'destination',
  path: 'destinations',
  name: 'Destination',
  idParam: 'destinationId',
  dtos: { create: CreateDestinationDto, update: UpdateDestinationDto, response: DestinationResponseDto, page: DestinationPageDto },
}) {}
