import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ConnectionStateEntity } from '@tributary/db';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { ConnectionStateResponseDto, ReplaceStateDto } from './state.dto.js';
import { StateService } from './state.service.js';

function toStateResponse(connectionId: string, state: ConnectionStateEntity | null): ConnectionStateResponseDto {
  if (!state) return { connectionId, stateType: 'none', state: [], updatedAt: null };
  return { connectionId, stateType: state.stateType, state: state.state, updatedAt: state.updatedAt.toISOString() };
}

@ApiTags('connections')
@Controller('connections/:connectionId/state')
export class StateController {
  constructor(@Inject(StateService) private readonly service: StateService) {}

  @Get()
  @ApiOperation({ operationId: 'getConnectionState', summary: 'The committed state the next sync resumes from' })
  @ApiOkResponse({ type: ConnectionStateResponseDto })
  @ApiProblems(400, 404)
  async get(@CallerScope() scope: WorkspaceScope, @Param('connectionId', UuidParamPipe) connectionId: string): Promise<ConnectionStateResponseDto> {
    return toStateResponse(connectionId, await this.service.get(scope, connectionId));
  }

  @Put()
  @ApiOperation({ operationId: 'replaceConnectionState', summary: 'Replace the committed state (operators; not while a job runs)' })
  @ApiOkResponse({ type: ConnectionStateResponseDto })
  @ApiProblems(400, 404, [409, 'A job is running on the connection'])
  async replace(
    @CallerScope() scope: WorkspaceScope,
    @Param('connectionId', UuidParamPipe) connectionId: string,
    @Body() body: ReplaceStateDto,
  ): Promise<ConnectionStateResponseDto> {
    return toStateResponse(connectionId, await this.service.replace(scope, connectionId, body));
  }
}
