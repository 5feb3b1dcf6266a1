/**
 * The rules for handing out a role, shared by API tokens and users: the grantor's own role or a
 * lower one, and a workspace role in a workspace of the grantor's scope.
 */
import { DomainError, ErrorCode, isWorkspaceRole, roleAtLeast, type Role } from '@tributary/domain';
import type { DataSource } from 'typeorm';
import { assertBodyWorkspace, type WorkspaceScope } from './workspace-scope.js';

const invalid = (path: string, message: string) =>
  new DomainError(ErrorCode.ValidationFailed, `${path.slice(1)} ${message}`, { fieldErrors: [{ path, message }] });

/** 403 naming `/role` when `role` is above the grantor's. `what`: "tokens", "users". */
export function assertGrantable(grantor: Role, role: Role, what: string): void {
  if (!roleAtLeast(grantor, role)) {
    throw new DomainError(ErrorCode.Forbidden, `a ${grantor} gives ${what} its own role or lower, not ${role}`, {
      fieldErrors: [{ path: '/role', message: `is above the caller's role (${grantor})` }],
    });
  }
}

/**
 * The workspace a grant of `role` acts in: none for instance admins, else one in the scope
 * (404 naming `/workspaceId` otherwise, the same as for one that does not exist).
 */
export async function workspaceForRole(
  dataSource: DataSource,
  scope: WorkspaceScope,
  role: Role,
  requested: string | undefined,
  what: string,
): Promise<string | null> {
  if (!isWorkspaceRole(role)) {
    if (requested && scope.kind === 'instance') throw invalid('/workspaceId', `must be absent for an instance_admin ${what}`);
    return null;
  }
  if (!requested) throw invalid('/workspaceId', `is required for a ${role} ${what}`);
  await assertBodyWorkspace(dataSource, scope, requested);
  return requested;
}
