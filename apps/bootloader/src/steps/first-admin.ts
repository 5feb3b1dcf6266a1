import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ApiTokenEntity, UserEntity, WorkspaceEntity, hashPassword, newApiToken } from '@tributary/db';

export const DEFAULT_WORKSPACE_NAME = 'Default Workspace';

/** Returns whether a workspace was created. */
export async function ensureDefaultWorkspace(manager: EntityManager): Promise<boolean> {
  if ((await manager.count(WorkspaceEntity)) > 0) return false;
  await manager.save(WorkspaceEntity, { name: DEFAULT_WORKSPACE_NAME });
  return true;
}

/**
 * Creates the first admin token when no token was ever created (revoked ones count:
 * revoking every token must not make a restart mint a fresh one). Returns the token
 * in clear, the only time it is available, or undefined.
 */
export async function ensureFirstAdminToken(manager: EntityManager, chosenToken: string | undefined): Promise<string | undefined> {
  if ((await manager.count(ApiTokenEntity)) > 0) return undefined;
  const { token, tokenHash, prefix } = newApiToken(chosenToken);
  await manager.save(ApiTokenEntity, { name: 'admin', tokenHash, prefix, role: 'instance_admin', workspaceId: null, lastUsedAt: null, revokedAt: null });
  return token;
}

export interface FirstAdminUser {
  email: string;
  /** the password in clear when this step generated it (to print once), else undefined */
  generatedPassword: string | undefined;
}

/**
 * Creates the web UI's first user, an instance admin, while there is no user at all
 * (like the first token: deleting users must not make a restart recreate one). The
 * password is the operator's (TRIBUTARY_ADMIN_PASSWORD) or a random one returned here.
 */
export async function ensureFirstAdminUser(
  manager: EntityManager,
  email: string,
  chosenPassword: string | undefined,
): Promise<FirstAdminUser | undefined> {
  if ((await manager.count(UserEntity)) > 0) return undefined;
  const password = chosenPassword ?? randomBytes(18).toString('base64url');
  await manager.save(UserEntity, {
    email: email.toLowerCase(),
    name: 'Admin',
    passwordHash: await hashPassword(password),
    role: 'instance_admin',
    workspaceId: null,
    disabledAt: null,
  });
  return { email: email.toLowerCase(), generatedPassword: chosenPassword ? undefined : password };
}
