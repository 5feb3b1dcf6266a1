/**
 * Installing something into a directory exactly once, even with concurrent callers:
 * - in this process, callers of the same directory share one promise;
 * - across processes (two workers, a CLI next to a server), an atomic `mkdir` of
 *   `<dir>.lock` decides who installs; the others wait for it;
 * - a marker file written only after the install succeeded tells a finished install from
 *   a half-finished one (crash, kill, full disk), which is wiped and redone.
 */
import type { LogEntry, LogSink } from '@tributary/domain';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { platformLog, type PlatformLog } from './platform-log.js';

export const INSTALLED_MARKER = '.tributary-installed';

export interface InstallOnceOptions {
  /** e.g. `airbyte-source-faker==7.2.1`, for log lines */
  what: string;
  onLog?: LogSink;
  /** give up waiting for another process's install after this long; default 30 min */
  waitTimeoutMs?: number;
  /** how often to look at the lock while waiting; default 250 ms */
  pollMs?: number;
}

/** Does the work into an empty `dir` (created by the caller's install function or not). */
export type InstallFn = (dir: string, log: PlatformLog) => Promise<void>;

interface InFlight {
  promise: Promise<void>;
  /** every caller waiting on this install sees its progress */
  sinks: Set<LogSink>;
}

const inFlight = new Map<string, InFlight>();
/** lock dirs this process holds: one with our pid that is not here is a leftover */
const heldLocks = new Set<string>();

export function isInstalled(dir: string): Promise<boolean> {
  return exists(join(dir, INSTALLED_MARKER));
}

export async function installOnce(dir: string, install: InstallFn, options: InstallOnceOptions): Promise<void> {
  if (await isInstalled(dir)) return;
  let entry = inFlight.get(dir);
  if (!entry) {
    const sinks = new Set<LogSink>();
    const fanOut = (e: LogEntry) => sinks.forEach((sink) => sink(e));
    const promise = installLocked(dir, install, options, platformLog(fanOut)).finally(() => inFlight.delete(dir));
    entry = { promise, sinks };
    inFlight.set(dir, entry);
  }
  if (options.onLog) entry.sinks.add(options.onLog);
  return entry.promise;
}

async function installLocked(dir: string, install: InstallFn, options: InstallOnceOptions, log: PlatformLog): Promise<void> {
  const lockDir = `${dir}.lock`;
  if ((await acquireLock(lockDir, dir, options, log)) === 'installed-by-another') return;
  try {
    // another process may have finished while we waited for the lock
    if (await isInstalled(dir)) return;
    await rm(dir, { recursive: true, force: true });
    const started = Date.now();
    log('info', `installing ${options.what} into ${dir}`);
    await install(dir, log);
    await writeAtomically(
      join(dir, INSTALLED_MARKER),
      JSON.stringify({ what: options.what, installedAt: new Date().toISOString() }) + '\n',
    );
    log('info', `installed ${options.what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    log('error', `installing ${options.what} failed: ${(err as Error).message}`);
    throw err;
  } finally {
    heldLocks.delete(lockDir);
    await rm(lockDir, { recursive: true, force: true });
  }
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  startedAt: number;
}

/** Returns once we own `lockDir`, or early (without the lock) if another process finished the install. */
async function acquireLock(
  lockDir: string,
  dir: string,
  options: InstallOnceOptions,
  log: PlatformLog,
): Promise<'locked' | 'installed-by-another'> {
  const deadline = Date.now() + (options.waitTimeoutMs ?? 30 * 60_000);
  const pollMs = options.pollMs ?? 250;
  let announced = false;
  await mkdir(join(lockDir, '..'), { recursive: true });
  for (;;) {
    if (await tryMkdir(lockDir)) {
      heldLocks.add(lockDir);
      const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomUUID(), startedAt: Date.now() };
      try {
        await writeFile(join(lockDir, 'owner.json'), JSON.stringify(owner));
      } catch (err) {
        heldLocks.delete(lockDir);
        await rm(lockDir, { recursive: true, force: true });
        throw err;
      }
      return 'locked';
    }
    const owner = await readOwner(lockDir);
    if (await isStale(lockDir, owner)) {
      log('warn', `removing a stale install lock ${lockDir}${owner ? ` (pid ${owner.pid} on ${owner.host})` : ''}`);
      await breakLock(lockDir, owner);
      continue;
    }
    if (!announced) {
      log('info', `waiting for another process${owner ? ` (pid ${owner.pid})` : ''} installing ${options.what}`);
      announced = true;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${lockDir}`);
    await sleep(pollMs);
    // the marker is written before the lock is released, so this is safe to trust
    if (await isInstalled(dir)) return 'installed-by-another';
  }
}

/** mkdir is atomic: exactly one of several racing processes gets true. */
async function tryMkdir(path: string): Promise<boolean> {
  try {
    await mkdir(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function readOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    return undefined; // being written, or the lock just went away
  }
}

const UNOWNED_LOCK_STALE_MS = 60_000;
const FOREIGN_HOST_LOCK_STALE_MS = 2 * 60 * 60_000;

async function isStale(lockDir: string, owner: LockOwner | undefined): Promise<boolean> {
  if (!owner) {
    // mkdir happened but owner.json never got written: the owner died in between
    const info = await stat(lockDir).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > UNOWNED_LOCK_STALE_MS;
  }
  if (owner.host !== hostname()) return Date.now() - owner.startedAt > FOREIGN_HOST_LOCK_STALE_MS;
  if (owner.pid === process.pid) return !heldLocks.has(lockDir);
  return !isProcessAlive(owner.pid);
}

/**
 * Moves the lock aside before deleting it, so two processes breaking the same stale lock
 * cannot delete a fresh lock taken in between; puts it back if it was not the stale one.
 */
async function breakLock(lockDir: string, stale: LockOwner | undefined): Promise<void> {
  const aside = `${lockDir}.stale-${process.pid}-${randomUUID()}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return; // someone else broke it already
  }
  const moved = await readOwner(aside);
  if (stale && moved && moved.token !== stale.token) {
    await rename(aside, lockDir).catch(() => undefined);
    return;
  }
  await rm(aside, { recursive: true, force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
