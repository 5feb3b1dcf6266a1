import { DomainError, ErrorCode } from '@tributary/domain';
import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Put, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../openapi/api-problems.decorator.js';
import { principalOf, type Principal } from '../auth/principal.js';
import { ChangePasswordDto, CreateSessionDto, CreatedSessionResponseDto, SessionResponseDto, toUserResponse } from './session.dto.js';
import { SessionsService } from './sessions.service.js';

function sessionOf(request: FastifyRequest): Extract<Principal, { kind: 'session' }> {
  const principal = principalOf(request);
  if (principal?.kind !== 'session')
    throw new DomainError(ErrorCode.NotFound, 'this request carries an API token, not a session: sign in to get one');
  return principal;
}

/** Sign-in for people (the web UI): email + password in, a short-lived session credential out. */
@ApiTags('sessions')
@Controller('sessions')
export class SessionsController {
  constructor(@Inject(SessionsService) private readonly service: SessionsService) {}

  @Post()
  @ApiOperation({ operationId: 'createSession', summary: 'Sign in with email and password; needs no token' })
  @ApiCreatedResponse({ type: CreatedSessionResponseDto })
  @ApiProblems(400, [401, 'The email or the password is wrong'])
  async create(@Body() body: CreateSessionDto): Promise<CreatedSessionResponseDto> {
    const { token, expiresAt, user } = await this.service.signIn(body.email, body.password);
    return { token, expiresAt: expiresAt.toISOString(), user: toUserResponse(user) };
  }

  @Get('current')
  @ApiOperation({ operationId: 'getCurrentSession', summary: 'The signed-in user and when the session expires' })
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiProblems([404, 'The request carries an API token, not a session'])
  async current(@Req() request: FastifyRequest): Promise<SessionResponseDto> {
    const session = sessionOf(request);
    return { expiresAt: session.expiresAt.toISOString(), user: toUserResponse(await this.service.user(session.userId)) };
  }

  @Delete('current')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteCurrentSession', summary: 'Sign out: the session credential stops working at once' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems([404, 'The request carries an API token, not a session'])
  async signOut(@Req() request: FastifyRequest): Promise<void> {
    await this.service.signOut(sessionOf(request).sessionId);
  }

  @Put('current/password')
  @HttpCode(204)
  @ApiOperation({ operationId: 'changePassword', summary: "Change the signed-in user's password (ends their other sessions)" })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiProblems(400, [404, 'The request carries an API token, not a session'])
  async changePassword(@Req() request: FastifyRequest, @Body() body: ChangePasswordDto): Promise<void> {
    const session = sessionOf(request);
    await this.service.changePassword(session.userId, session.sessionId, body.currentPassword, body.newPassword);
  }
}
