import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActorType } from '@tributary/db';
import { PageQueryDto, toPage, type Page } from '../common/pagination.dto.js';
import { INVALID_RESOURCE_REQUIREMENTS } from '../common/resource-requirements.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import {
  ConnectorDefinitionPageDto,
  ConnectorDefinitionResponseDto,
  ConnectorSpecificationResponseDto,
  CreateDefinitionDto,
  RUNTIME_MODELS,
  UpdateDefinitionDto,
  UpdateDefinitionVersionDto,
  toDefinitionResponse,
  toSpecificationResponse,
} from './definition.dto.js';
import { DefinitionsService } from './definitions.service.js';

/** Source and destination definitions have the same operations; only the actor type and names differ. */
function definitionsController(actorType: ActorType, path: string, tag: string, names: { list: string; get: string; spec: string; create: string; update: string; updateVersion: string; install: string }) {
  @ApiTags(tag)
  @ApiExtraModels(...RUNTIME_MODELS)
  @Controller(path)
  class DefinitionsController {
    constructor(@Inject(DefinitionsService) readonly service: DefinitionsService) {}

    @Get()
    @ApiOperation({ operationId: names.list })
    @ApiOkResponse({ type: ConnectorDefinitionPageDto })
    @ApiProblems(400)
    async list(@Query() query: PageQueryDto): Promise<Page<ConnectorDefinitionResponseDto>> {
      return toPage(await this.service.list(actorType, query), query, toDefinitionResponse);
    }

    @Post()
    @ApiOperation({ operationId: names.create, summary: `Add a custom ${actorType} connector (PyPI, npm or a command)` })
    @ApiCreatedResponse({ type: ConnectorDefinitionResponseDto })
    @ApiProblems(400, 409, INVALID_RESOURCE_REQUIREMENTS)
    async create(@Body() body: CreateDefinitionDto): Promise<ConnectorDefinitionResponseDto> {
      return toDefinitionResponse(await this.service.createCustom(actorType, body));
    }

    @Patch(':definitionId')
    @ApiOperation({ operationId: names.update, summary: "Change the connector's settings: the resources its pods may use in Kubernetes" })
    @ApiOkResponse({ type: ConnectorDefinitionResponseDto })
    @ApiProblems(400, 404, INVALID_RESOURCE_REQUIREMENTS)
    async update(@Param('definitionId', UuidParamPipe) definitionId: string, @Body() body: UpdateDefinitionDto): Promise<ConnectorDefinitionResponseDto> {
      return toDefinitionResponse(await this.service.update(actorType, definitionId, body));
    }

    @Patch(':definitionId/version')
    @ApiOperation({ operationId: names.updateVersion, summary: 'Run another version of the connector' })
    @ApiOkResponse({ type: ConnectorDefinitionResponseDto })
    @ApiProblems(400, 404, 409)
    async updateVersion(
      @Param('definitionId', UuidParamPipe) definitionId: string,
      @Body() body: UpdateDefinitionVersionDto,
    ): Promise<ConnectorDefinitionResponseDto> {
      return toDefinitionResponse(await this.service.updateVersion(actorType, definitionId, body));
    }

    @Post(':definitionId/install')
    @HttpCode(202)
    @ApiOperation({ operationId: names.install, summary: 'Try a failed install of the connector again (in the background; see installStatus)' })
    @ApiAcceptedResponse({ type: ConnectorDefinitionResponseDto })
    @ApiProblems(400, 404, 409)
    async install(@Param('definitionId', UuidParamPipe) definitionId: string): Promise<ConnectorDefinitionResponseDto> {
      return toDefinitionResponse(await this.service.retryInstall(actorType, definitionId));
    }

    @Get(':definitionId')
    @ApiOperation({ operationId: names.get })
    @ApiOkResponse({ type: ConnectorDefinitionResponseDto })
    @ApiProblems(400, 404)
    async get(@Param('definitionId', UuidParamPipe) definitionId: string): Promise<ConnectorDefinitionResponseDto> {
      return toDefinitionResponse(await this.service.get(actorType, definitionId));
    }

    @Get(':definitionId/specification')
    @ApiOperation({
      operationId: names.spec,
      summary: 'The connector spec (the configuration JSON Schema): cached, or fetched once by running `spec` on a worker',
    })
    @ApiOkResponse({ type: ConnectorSpecificationResponseDto })
    @ApiProblems(400, 404, 409, 502, 503, 504)
    async specification(@Param('definitionId', UuidParamPipe) definitionId: string): Promise<ConnectorSpecificationResponseDto> {
      return toSpecificationResponse(await this.service.ensureSpec(await this.service.get(actorType, definitionId)));
    }
  }
  Object.defineProperty(DefinitionsController, "name", { value: `${tag.replace(/(^|-)(\w)/g, (_m: string, _d: string, c: string) => c.toUpperCase())}Controller` });
  return DefinitionsController;
}

export const SourceDefinitionsController = definitionsController('source', 'source-definitions', 'source-definitions', {
  list: 'listSourceDefinitions',
  get: 'getSourceDefinition',
  spec: 'getSourceDefinitionSpecification',
  create: 'createSourceDefinition',
  update: 'updateSourceDefinition',
  updateVersion: 'updateSourceDefinitionVersion',
  install: 'installSourceDefinition',
});
export const DestinationDefinitionsController = definitionsController('destination', 'destination-definitions', 'destination-definitions', {
  list: 'listDestinationDefinitions',
  get: 'getDestinationDefinition',
  spec: 'getDestinationDefinitionSpecification',
  create: 'createDestinationDefinition',
  update: 'updateDestinationDefinition',
  updateVersion: 'updateDestinationDefinitionVersion',
  install: 'installDestinationDefinition',
});
