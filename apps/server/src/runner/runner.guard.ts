/**
 * The runner routes' credential: a replication pod's per-attempt token (`trr_...`, issued by
 * the worker through JobPersistence.issueRunnerToken). It opens only its own attempt's routes,
 * and only while that attempt runs. User credentials (API tokens, sessions) open none of them:
 * the access table gives these routes their own kind, which the user guard lets through to here.
 */
import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorCode } from '@tributary/domain';
import type { AttemptRef } from '@tributary/workflows';
import type { FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { verifyRunnerToken } from '@tributary/db';
import { DATA_SOURCE } from '../infrastructure/tokens.js';

const attempts = new WeakMap<object, AttemptRef>();

@Injectable()
export class RunnerGuard implements CanActivate {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { jobId?: string; attemptNumber?: string } }>>();
    const credential = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!credential) throw new DomainError(ErrorCode.Unauthenticated, "a runner credential is required: send `Authorization: Bearer <the attempt's trr_ token>`");
    const attempt = await verifyRunnerToken(this.dataSource, credential);
    if (!attempt) throw new DomainError(ErrorCode.Unauthenticated, 'the runner credential is not valid, or its attempt has finished');
    const { jobId, attemptNumber } = request.params;
    if (jobId !== attempt.jobId || attemptNumber !== String(attempt.attemptNumber)) {
      throw new DomainError(ErrorCode.Forbidden, `the runner credential is for attempt ${attempt.attemptNumber} of job ${attempt.jobId}, not this one`);
    }
    attempts.set(request.raw, attempt);
    return true;
  }
}

/** `@RunnerAttempt() attempt: AttemptRef`: the attempt the guard verified the credential for. */
export const RunnerAttempt = createParamDecorator((_data: unknown, context: ExecutionContext): AttemptRef => {
  const attempt = attempts.get(context.switchToHttp().getRequest<FastifyRequest>().raw);
  if (!attempt) throw new DomainError(ErrorCode.Unauthenticated, 'this operation needs a runner credential');
  return attempt;
});
