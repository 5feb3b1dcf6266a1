import { randomBytes } from 'node:crypto';
import { DomainError, ErrorCode, isWorkspaceRole, notFound, type Role } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { UserEntity, hashPassword } from '@tributary/db';
import { pageWindow, type PageQueryDto } from '../common/pagination.dto.js';
import type { Principal } from '../auth/principal.js';
import { assertGrantable, workspaceForRole } from '../auth/role-grant.js';
import { scopeOf, scopedWorkspaceId, type WorkspaceScope } from '../auth/workspace-scope.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';

const conflict = (path: string, message: string) =>
  new DomainError(ErrorCode.Conflict, `${path.slice(1)} ${message}`, { fieldErrors: [{ path, message }] });

/** 18 random bytes: 24 characters, above the 12-character minimum, easy to copy once */
const generatedPassword = (): string => randomBytes(18).toString('base64url');

const isUniqueViolation = (error: unknown): boolean => (error as { code?: string }).code === '23505';

/**
 * The people who sign in to the web UI. The same rules as API tokens: a caller hands out its own
 * role or a lower one, a workspace admin manages the users of its workspace only, and nobody
 * changes or removes their own account here (so no one locks themselves out) nor the last
 * instance admin.
 */
@Injectable()
export class UsersService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  private get users() {
    return this.dataSource.getRepository(UserEntity);
  }

  async create(
    caller: Principal,
    input: { email: string; name: string; role: Role; workspaceId?: string; password?: string },
  ): Promise<{ user: UserEntity; initialPassword?: string }> {
    assertGrantable(caller.role, input.role, 'users');
    const workspaceId = await workspaceForRole(this.dataSource, scopeOf(caller), input.role, input.workspaceId ?? caller.workspaceId ?? undefined, 'user');
    const email = input.email.trim().toLowerCase();
    if (await this.users.existsBy({ email })) throw conflict('/email', 'is taken by another user');
    const initialPassword = input.password === undefined ? generatedPassword() : undefined;
    const passwordHash = await hashPassword(input.password ?? initialPassword!);
    try {
      const user = await this.users.save({ email, name: input.name.trim(), passwordHash, role: input.role, workspaceId, disabledAt: null });
      return { user, ...(initialPassword ? { initialPassword } : {}) };
    } catch (error) {
      // two creations of one email at once: the unique index decides
      if (isUniqueViolation(error)) throw conflict('/email', 'is taken by another user');
      throw error;
    }
  }

  /** Every user for an instance admin; a workspace admin's workspace's users. */
  list(scope: WorkspaceScope, query: PageQueryDto): Promise<UserEntity[]> {
    const workspaceId = scopedWorkspaceId(scope);
    return this.users.find({ where: workspaceId ? { workspaceId } : {}, order: { createdAt: 'ASC', id: 'ASC' }, ...pageWindow(query) });
  }

  /** A new name, role or workspace. A role change ends the user's sessions (they sign in again with the new role). */
  async update(caller: Principal, id: string, input: { name?: string; role?: Role; workspaceId?: string }): Promise<UserEntity> {
    const scope = scopeOf(caller);
    return this.dataSource.transaction(async (manager) => {
      const user = await this.inScopeForUpdate(manager, scope, id);
      const role = input.role ?? user.role;
      const moves = input.role !== undefined || input.workspaceId !== undefined;
      if (moves) {
        if (caller.kind === 'session' && caller.userId === id) throw conflict('/role', 'is your own: another admin changes it');
        // the caller must outrank both the role the user has and the one it gets
        assertGrantable(caller.role, user.role, 'users');
        assertGrantable(caller.role, role, 'users');
        const requested = input.workspaceId ?? (isWorkspaceRole(role) ? (user.workspaceId ?? caller.workspaceId ?? undefined) : undefined);
        const workspaceId = await workspaceForRole(this.dataSource, scope, role, requested, 'user');
        if (user.role === 'instance_admin' && role !== 'instance_admin') await this.assertAnotherInstanceAdmin(manager, id);
        const changed = role !== user.role || workspaceId !== user.workspaceId;
        user.role = role;
        user.workspaceId = workspaceId;
        if (changed) await manager.query(`UPDATE user_session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
      }
      if (input.name !== undefined) user.name = input.name.trim();
      return manager.save(user);
    });
  }

  /** Removes the user and their sessions. 404 outside the caller's scope. */
  async remove(caller: Principal, id: string): Promise<void> {
    const scope = scopeOf(caller);
    await this.dataSource.transaction(async (manager) => {
      const user = await this.inScopeForUpdate(manager, scope, id);
      if (caller.kind === 'session' && caller.userId === id) throw conflict('/userId', 'is you: another admin removes your account');
      assertGrantable(caller.role, user.role, 'users');
      if (user.role === 'instance_admin') await this.assertAnotherInstanceAdmin(manager, id);
      await manager.delete(UserEntity, { id });
    });
  }

  private async inScopeForUpdate(manager: EntityManager, scope: WorkspaceScope, id: string): Promise<UserEntity> {
    const user = await manager.getRepository(UserEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!user || (scope.kind === 'workspace' && user.workspaceId !== scope.workspaceId)) throw notFound('user', id);
    return user;
  }

  /** The instance keeps at least one instance admin who can sign in (locked, so two removals cannot both pass). */
  private async assertAnotherInstanceAdmin(manager: EntityManager, exceptId: string): Promise<void> {
    const others = (await manager.query(
      `SELECT id FROM app_user WHERE role = 'instance_admin' AND disabled_at IS NULL AND id <> $1 FOR UPDATE`,
      [exceptId],
    )) as unknown[];
    if (others.length === 0) throw conflict('/role', 'cannot change: this is the last instance admin');
  }
}
