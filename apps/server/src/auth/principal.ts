/**
 * Who made a request, as the guard found out: an API token or a signed-in user's session, each
 * with a role and (for workspace roles) a workspace. Kept on the request so handlers and
 * `@CallerScope()` can read it.
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorCode, type Role } from '@tributary/domain';
import type { FastifyRequest } from 'fastify';

interface Grant {
  role: Role;
  /** null for instance admins */
  workspaceId: string | null;
}

export type Principal =
  | ({ kind: 'api_token'; tokenId: string } & Grant)
  | ({ kind: 'session'; sessionId: string; userId: string; expiresAt: Date } & Grant);

const principals = new WeakMap<object, Principal>();

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request.raw, principal);
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request.raw);
}

/** `@Caller() caller: Principal`: who calls (the guard has authenticated the request). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = principalOf(context.switchToHttp().getRequest<FastifyRequest>());
  if (!principal) throw new DomainError(ErrorCode.Unauthenticated, 'this operation needs a credential');
  return principal;
});
