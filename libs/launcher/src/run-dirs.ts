/**
 * Per-run directories: a connector's config (decrypted secrets), catalog and state files.
 * Each is removed when its connector exits, or at once when it cannot be started. A worker
 * that dies leaves its own behind: the next one sweeps them at start (sweepStaleRunDirs).
 * The name carries the pid of the process that made it, so a sweep spares live ones.
 */
import { chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RUN_DIR_PREFIX = 'tributary-run-';

export interface RunDir {
  dir: string;
  /** each input file's path, by name */
  paths: Record<string, string>;
  remove(): Promise<void>;
}

/** The user connectors run as, when it is not the worker's own. */
export interface ConnectorUser {
  uid: number;
  gid: number;
}

/**
 * A private dir (0700) in `parent` holding `files` as JSON (0600), owned by `owner` when given
 * (the connector's user: nobody else but root reads them): removed again if writing fails.
 */
export async function createRunDir(parent: string, files: Record<string, unknown>, owner?: ConnectorUser): Promise<RunDir> {
  const dir = await mkdtemp(join(parent, `${RUN_DIR_PREFIX}${process.pid}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  const paths: Record<string, string> = {};
  try {
    if (owner) await chown(dir, owner.uid, owner.gid);
    for (const [name, value] of Object.entries(files)) {
      paths[name] = join(dir, name);
      await writeFile(paths[name], JSON.stringify(value), { mode: 0o600 });
      if (owner) await chown(paths[name], owner.uid, owner.gid);
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, paths, remove };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the run dirs in `parent` that no running process owns: those of dead processes, this
 * process's own (called at start, it has made none yet: the pid is a dead predecessor's) and
 * ones without a pid (older versions). Returns the names removed.
 */
export async function sweepStaleRunDirs(parent: string): Promise<string[]> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of entries) {
    if (!name.startsWith(RUN_DIR_PREFIX)) continue;
    const pid = /^(\d+)-/.exec(name.slice(RUN_DIR_PREFIX.length))?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && isAlive(Number(pid))) continue;
    await rm(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
