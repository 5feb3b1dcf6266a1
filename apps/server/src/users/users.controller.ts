import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, type Principal } from '../auth/principal.js';
import { CallerScope, type WorkspaceScope } from '../auth/workspace-scope.js';
import { PageQueryDto, toPage, type Page } from '../common/pagination.dto.js';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { UuidParamPipe } from '../validation/uuid-param.pipe.js';
import { CreateUserDto, CreatedUserResponseDto, UpdateUserDto, UserDetailsDto, UserPageDto, toUserDetails } from './user.dto.js';
import { UsersService } from './users.service.js';

/** People who sign in to the web UI, managed by admins (a workspace admin: its workspace's). */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly service: UsersService) {}

  @Post()
  @ApiOperation({ operationId: 'createUser', summary: "Add a user with the caller's role or a lower one (a generated password is shown once)" })
  @ApiCreatedResponse({ type: CreatedUserResponseDto })
  @ApiProblems(400, [403, "The requested role is above the caller's"], [404, "No such workspace in the caller's scope"], [409, 'The email is taken'])
  async create(@Caller() caller: Principal, @Body() body: CreateUserDto): Promise<CreatedUserResponseDto> {
    const { user, initialPassword } = await this.service.create(caller, body);
    return { ...toUserDetails(user), ...(initialPassword ? { initialPassword } : {}) };
  }

  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'List users (never their passwords)' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiProblems(400)
  async list(@CallerScope() scope: WorkspaceScope, @Query() query: PageQueryDto): Promise<Page<UserDetailsDto>> {
    return toPage(await this.service.list(scope, query), query, toUserDetails);
  }

  @Patch(':userId')
  @ApiOperation({ operationId: 'updateUser', summary: "Rename a user or change their role (ends their sessions); not the caller's own role" })
  @ApiOkResponse({ type: UserDetailsDto })
  @ApiProblems(400, [403, "The role is above the caller's"], 404, [409, "The caller's own role, or the last instance admin"])
  async update(@Caller() caller: Principal, @Param('userId', UuidParamPipe) userId: string, @Body() body: UpdateUserDto): Promise<UserDetailsDto> {
    return toUserDetails(await this.service.update(caller, userId, body));
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteUser', summary: 'Remove a user and end their sessions' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, [403, "The user's role is above the caller's"], 404, [409, 'The caller, or the last instance admin'])
  async remove(@Caller() caller: Principal, @Param('userId', UuidParamPipe) userId: string): Promise<void> {
    await this.service.remove(caller, userId);
  }
}
