import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, type Principal } from '../auth/principal.js';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { PageQueryDto, toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import {
  ApiTokenPageDto,
  CreateApiTokenDto,
  CreatedApiTokenResponseDto,
  toApiTokenResponse,
  type ApiTokenResponseDto,
} from './api-token.dto.js';
import { ApiTokensService } from './api-tokens.service.js';

@ApiTags('api-tokens')
@Controller('api-tokens')
export class ApiTokensController {
  constructor(@Inject(ApiTokensService) private readonly service: ApiTokensService) {}

  @Post()
  @ApiOperation({
    operationId: 'createApiToken',
    summary: "Create an API token (the token is shown once) of the caller's role or lower, in the caller's workspace scope",
  })
  @ApiCreatedResponse({ type: CreatedApiTokenResponseDto })
  @ApiProblems(400, [403, "The requested role is above the caller's"], [404, 'No such workspace in the caller\'s scope'])
  async create(@Caller() caller: Principal, @Body() body: CreateApiTokenDto): Promise<CreatedApiTokenResponseDto> {
    const { entity, token } = await this.service.create(caller, body);
    return { ...toApiTokenResponse(entity), token };
  }

  @Get()
  @ApiOperation({ operationId: 'listApiTokens', summary: 'List API tokens (never the tokens themselves)' })
  @ApiOkResponse({ type: ApiTokenPageDto })
  @ApiProblems(400)
  async list(@CallerScope() scope: WorkspaceScope, @Query() query: PageQueryDto): Promise<Page<ApiTokenResponseDto>> {
    return toPage(await this.service.list(scope, query), query, toApiTokenResponse);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokeApiToken', summary: 'Revoke an API token' })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked)' })
  @ApiProblems(400, 404)
  async revoke(@CallerScope() scope: WorkspaceScope, @Param('tokenId', UuidParamPipe) tokenId: string): Promise<void> {
    await this.service.revoke(scope, tokenId);
  }
}
