import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { PageQueryDto, toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { CreateWorkspaceDto, UpdateWorkspaceDto, WorkspacePageDto, WorkspaceResponseDto, toWorkspaceResponse } from './workspace.dto.js';
import { WorkspacesService } from './workspaces.service.js';

@ApiTags('workspaces')
@Controller('workspaces')
export class WorkspacesController {
  constructor(@Inject(WorkspacesService) private readonly service: WorkspacesService) {}

  @Post()
  @ApiOperation({ operationId: 'createWorkspace' })
  @ApiCreatedResponse({ type: WorkspaceResponseDto })
  @ApiProblems(400)
  async create(@Body() body: CreateWorkspaceDto): Promise<WorkspaceResponseDto> {
    return toWorkspaceResponse(await this.service.create(body.name));
  }

  @Get()
  @ApiOperation({ operationId: 'listWorkspaces' })
  @ApiOkResponse({ type: WorkspacePageDto })
  @ApiProblems(400)
  async list(@CallerScope() scope: WorkspaceScope, @Query() query: PageQueryDto): Promise<Page<WorkspaceResponseDto>> {
    return toPage(await this.service.list(scope, query), query, toWorkspaceResponse);
  }

  @Get(':workspaceId')
  @ApiOperation({ operationId: 'getWorkspace' })
  @ApiOkResponse({ type: WorkspaceResponseDto })
  @ApiProblems(400, 404)
  async get(@CallerScope() scope: WorkspaceScope, @Param('workspaceId', UuidParamPipe) workspaceId: string): Promise<WorkspaceResponseDto> {
    return toWorkspaceResponse(await this.service.get(scope, workspaceId));
  }

  @Patch(':workspaceId')
  @ApiOperation({ operationId: 'updateWorkspace' })
  @ApiOkResponse({ type: WorkspaceResponseDto })
  @ApiProblems(400, 404)
  async update(
    @CallerScope() scope: WorkspaceScope,
    @Param('workspaceId', UuidParamPipe) workspaceId: string,
    @Body() body: UpdateWorkspaceDto,
  ): Promise<WorkspaceResponseDto> {
    return toWorkspaceResponse(await this.service.update(scope, workspaceId, body));
  }

  @Delete(':workspaceId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteWorkspace' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 409)
  async delete(@CallerScope() scope: WorkspaceScope, @Param('workspaceId', UuidParamPipe) workspaceId: string): Promise<void> {
    await this.service.delete(scope, workspaceId);
  }
}
