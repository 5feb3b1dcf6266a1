import type { EntityManager } from 'typeorm';
import { ApiTokenEntity, WorkspaceEntity, newApiToken } from '@tributary/db';

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
  await manager.save(ApiTokenEntity, { name: 'admin', tokenHash, prefix, lastUsedAt: null, revokedAt: null });
  return token;
}
