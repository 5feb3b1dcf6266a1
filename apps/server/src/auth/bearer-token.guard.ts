import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IsNull, type DataSource } from 'typeorm';
import { ApiTokenEntity, DomainError, ErrorCode, hashApiToken } from '@tributary/db';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { IS_PUBLIC } from './public.decorator.js';

/** last_used_at is a hint, not an audit log: write it at most this often per token */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Every route needs `Authorization: Bearer <api token>` unless marked @Public(). */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) throw new DomainError(ErrorCode.Unauthenticated, 'an API token is required: send `Authorization: Bearer <token>`');
    const tokens = this.dataSource.getRepository(ApiTokenEntity);
    const token = await tokens.findOneBy({ tokenHash: hashApiToken(match[1]), revokedAt: IsNull() });
    if (!token) throw new DomainError(ErrorCode.Unauthenticated, 'the API token is not valid or was revoked');
    const now = new Date();
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await tokens.update({ id: token.id }, { lastUsedAt: now });
    }
    return true;
  }
}
