import { DomainError, ErrorCode } from '@tributary/domain';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { setPrincipal } from '../sessions/principal.js';
import { isSessionToken } from '../sessions/session-tokens.js';
import { SessionVerifier } from '../sessions/session-verifier.js';
import { ApiTokenVerifier } from './api-token-verifier.js';
import { IS_PUBLIC } from './public.decorator.js';

/**
 * Every route needs `Authorization: Bearer <credential>` unless marked @Public(): an API
 * token (`trb_...`) or a web UI session (`trs_...`, from POST /sessions).
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiTokenVerifier) private readonly tokens: ApiTokenVerifier,
    @Inject(SessionVerifier) private readonly sessions: SessionVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new DomainError(ErrorCode.Unauthenticated, 'an API token is required: send `Authorization: Bearer <token>`');
    const credential = match[1];
    if (isSessionToken(credential)) {
      const session = await this.sessions.verify(credential);
      if (!session) throw new DomainError(ErrorCode.Unauthenticated, 'the session has expired or was signed out: sign in again');
      setPrincipal(request, session);
      return true;
    }
    if (!(await this.tokens.verify(credential))) throw new DomainError(ErrorCode.Unauthenticated, 'the API token is not valid or was revoked');
    setPrincipal(request, { kind: 'api_token' });
    return true;
  }
}
