/**
 * Who made a request, as the auth guard found out: an API token or a signed-in user's
 * session. Kept on the request so handlers (sign-out, "who am I") can read it.
 */
import type { FastifyRequest } from 'fastify';
import type { UserRole } from '@tributary/db';

export type Principal =
  | { kind: 'api_token' }
  | { kind: 'session'; sessionId: string; userId: string; role: UserRole; workspaceId: string | null; expiresAt: Date };

const principals = new WeakMap<object, Principal>();

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request.raw, principal);
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request.raw);
}
