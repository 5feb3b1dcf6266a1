import { DomainError, ErrorCode, roleAtLeast } from '@tributary/domain';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { isSessionToken } from '../sessions/session-tokens.js';
import { SessionVerifier } from '../sessions/session-verifier.js';
import { ApiTokenVerifier } from './api-token-verifier.js';
import { setPrincipal, type Principal } from './principal.js';
import { routeAccessOf } from './route-access.js';

/** the operationId of a handler, from its @ApiOperation (the key of the access table) */
const operationIdOf = (handler: object): string | undefined =>
  (Reflect.getMetadata(DECORATORS.API_OPERATION, handler) as { operationId?: string } | undefined)?.operationId;

/**
 * Every route needs `Authorization: Bearer <credential>` unless the access table marks it
 * public: an API token (`trb_...`) or a web UI session (`trs_...`, from POST /sessions). Then the
 * credential's role must reach the route's minimum role (403 otherwise). Workspace scoping is
 * the services' part: they look resources up within the caller's scope.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(ApiTokenVerifier) private readonly tokens: ApiTokenVerifier,
    @Inject(SessionVerifier) private readonly sessions: SessionVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const operationId = operationIdOf(context.getHandler());
    const access = routeAccessOf(operationId);
    // a runner route's credential is checked by its own guard (runner/runner.guard.ts)
    if (access === 'public' || access === 'runner') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = await this.authenticate(request);
    setPrincipal(request, principal);
    // fail closed: an operation the table forgot is nobody's
    if (access === undefined) throw new DomainError(ErrorCode.Forbidden, `operation ${operationId ?? '(unnamed)'} has no access rule`);
    if (!roleAtLeast(principal.role, access)) {
      throw new DomainError(ErrorCode.Forbidden, `this operation needs the ${access} role or higher; the credential has ${principal.role}`, {
        requiredRole: access,
        role: principal.role,
      });
    }
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new DomainError(ErrorCode.Unauthenticated, 'an API token is required: send `Authorization: Bearer <token>`');
    const credential = match[1];
    if (isSessionToken(credential)) {
      const session = await this.sessions.verify(credential);
      if (!session) throw new DomainError(ErrorCode.Unauthenticated, 'the session has expired or was signed out: sign in again');
      return session;
    }
    const token = await this.tokens.verify(credential);
    if (!token) throw new DomainError(ErrorCode.Unauthenticated, 'the API token is not valid or was revoked');
    return { kind: 'api_token', tokenId: token.id, role: token.role, workspaceId: token.workspaceId };
  }
}
