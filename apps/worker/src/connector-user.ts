/**
 * Who connector processes run as. A worker running as root runs them as an unprivileged user
 * (TRIBUTARY_CONNECTOR_USER, default `nobody`): then they cannot read the worker's
 * /proc/<pid>/environ, its data dir's secret key, or anything else only root may. A worker
 * running as another user runs them as itself (it cannot switch).
 */
import { execFileSync } from 'node:child_process';
import { chmod, stat } from 'node:fs/promises';
import type { ConnectorUser } from '@tributary/launcher';

export const DEFAULT_CONNECTOR_USER = 'nobody';

/** TRIBUTARY_CONNECTOR_USER names no usable user. */
export class ConnectorUserError extends Error {}

function lookUp(name: string, flag: '-u' | '-g'): number {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    throw new ConnectorUserError(`TRIBUTARY_CONNECTOR_USER: no user named "${name}" on this machine`);
  }
}

/** The user to run connectors as, or undefined for the worker's own. Throws naming the variable when it cannot be. */
export function resolveConnectorUser(setting: string | undefined, ownUid = process.getuid?.() ?? -1): ConnectorUser | undefined {
  if (ownUid !== 0 && setting === undefined) return undefined;
  const wanted = setting ?? DEFAULT_CONNECTOR_USER;
  const numeric = /^(\d+)(?::(\d+))?$/.exec(wanted);
  const user = numeric
    ? { uid: Number(numeric[1]), gid: Number(numeric[2] ?? numeric[1]) }
    : { uid: lookUp(wanted, '-u'), gid: lookUp(wanted, '-g') };
  // the worker's own user named on purpose: connectors run as the worker does
  if (user.uid === ownUid) return undefined;
  if (ownUid !== 0) throw new ConnectorUserError(`TRIBUTARY_CONNECTOR_USER: the worker must run as root to run connectors as "${wanted}"`);
  return user;
}

/**
 * The connector's user must reach its run dir inside the data dir: the data dir and its tmp
 * dir get search permission for others (never read: nothing in them can be listed).
 */
export async function letConnectorsReach(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
  }
}
