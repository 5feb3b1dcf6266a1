import { DomainError, ErrorCode } from '@tributary/domain';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiTokenVerifier } from './api-token-verifier.js';
import { IS_PUBLIC } from './public.decorator.js';

/** Every route needs `Authorization: Bearer <api token>` unless marked @Public(). */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiTokenVerifier) private readonly tokens: ApiTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) throw new DomainError(ErrorCode.Unauthenticated, 'an API token is required: send `Authorization: Bearer <token>`');
    if (!(await this.tokens.verify(match[1]))) throw new DomainError(ErrorCode.Unauthenticated, 'the API token is not valid or was revoked');
    return true;
  }
}
