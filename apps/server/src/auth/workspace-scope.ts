/**
 * Which workspaces a request may see: every one (instance admins) or its own. Controllers take
 * it with `@CallerScope()` and hand it to the services, which look resources up within it: a resource
 * of another workspace is simply not found (404, never 403, so its id does not leak).
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorCode, isWorkspaceRole, notFound, type Role } from '@tributary/domain';
import { WorkspaceEntity } from '@tributary/db';
import type { FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { principalOf } from './principal.js';

export type WorkspaceScope = { readonly kind: 'instance' } | { readonly kind: 'workspace'; readonly workspaceId: string };

export const INSTANCE_SCOPE: WorkspaceScope = { kind: 'instance' };

export function scopeOf(principal: { role: Role; workspaceId: string | null }): WorkspaceScope {
  if (!isWorkspaceRole(principal.role)) return INSTANCE_SCOPE;
  // a workspace role without a workspace may see nothing: refuse rather than guess
  if (!principal.workspaceId) throw new DomainError(ErrorCode.Forbidden, `the credential has the ${principal.role} role but no workspace`);
  return { kind: 'workspace', workspaceId: principal.workspaceId };
}

/** The workspace a scope is limited to, for list filters; undefined: every workspace. */
export const scopedWorkspaceId = (scope: WorkspaceScope): string | undefined => (scope.kind === 'workspace' ? scope.workspaceId : undefined);

export const inScope = (scope: WorkspaceScope, workspaceId: string): boolean => scope.kind === 'instance' || scope.workspaceId === workspaceId;

/** The workspace's own 404 when it is outside the scope (the same answer as for one that does not exist). */
export function assertWorkspaceInScope(scope: WorkspaceScope, workspaceId: string, what = 'workspace', id = workspaceId): void {
  if (!inScope(scope, workspaceId)) throw notFound(what, id);
}

/** 404 naming the body's `workspaceId` when there is no such workspace in the scope (request bodies that name one). */
export async function assertBodyWorkspace(dataSource: DataSource, scope: WorkspaceScope, workspaceId: string): Promise<void> {
  if (!inScope(scope, workspaceId) || !(await dataSource.getRepository(WorkspaceEntity).existsBy({ id: workspaceId }))) {
    throw new DomainError(ErrorCode.NotFound, `workspace ${workspaceId} not found`, {
      fieldErrors: [{ path: '/workspaceId', message: 'no such workspace' }],
    });
  }
}

/** `@CallerScope() scope: WorkspaceScope`: the caller's scope (the guard has authenticated the request). */
export const CallerScope = createParamDecorator((_data: unknown, context: ExecutionContext): WorkspaceScope => {
  const principal = principalOf(context.switchToHttp().getRequest<FastifyRequest>());
  if (!principal) throw new DomainError(ErrorCode.Unauthenticated, 'this operation needs a credential');
  return scopeOf(principal);
});
