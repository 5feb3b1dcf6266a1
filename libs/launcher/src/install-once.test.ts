import type { LogEntry } from '@tributary/domain';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSTALLED_MARKER, installOnce, isInstalled, type InstallFn } from './install-once.js';
import { fixturePath } from '@tributary/testing';

const child = fixturePath('install-once-child.mjs');

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'install-once-'));
  dir = join(root, 'pkg-1.0');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** An install that records how often it ran and takes a little while. */
function countingInstall(ms = 100): { install: InstallFn; runs: () => number } {
  let runs = 0;
  return {
    runs: () => runs,
    install: async (target) => {
      runs++;
      await mkdir(target, { recursive: true });
      await sleep(ms);
      await writeFile(join(target, 'payload'), 'installed');
    },
  };
}

/** pid of a process that has exited (a lock owner that crashed) */
async function deadPid(): Promise<number> {
  const proc = spawn('true');
  await new Promise((resolve) => proc.once('exit', resolve));
  return proc.pid ?? 0;
}

async function writeLock(owner: { pid: number; host?: string; token?: string; startedAt?: number }) {
  await mkdir(`${dir}.lock`, { recursive: true });
  await writeFile(join(`${dir}.lock`, 'owner.json'), JSON.stringify({ host: hostname(), token: 'x', startedAt: Date.now(), ...owner }));
}

describe('installOnce', () => {
  it('parallel callers in one process share one install', async () => {
    const { install, runs } = countingInstall();
    const logs: LogEntry[][] = [[], [], [], [], []];
    await Promise.all(logs.map((sink) => installOnce(dir, install, { what: 'pkg', onLog: (e) => sink.push(e) })));
    expect(runs()).toBe(1);
    expect(await isInstalled(dir)).toBe(true);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    // every caller saw the progress of the shared install
    for (const sink of logs)
      expect(sink).toContainEqual(expect.objectContaining({ origin: 'platform', message: expect.stringMatching(/^installed pkg in/) }));

    await installOnce(dir, install, { what: 'pkg' });
    expect(runs()).toBe(1);
  });

  it('parallel processes share one install through the lock', async () => {
    const counter = join(root, 'installs.txt');
    const run = promisify(execFile);
    const children = [0, 1, 2].map(() =>
      run(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', child, dir, counter, '1000'], { timeout: 30_000 }),
    );
    const outputs = (await Promise.all(children)).map((c) => c.stdout);
    expect((await readFile(counter, 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(await readFile(join(dir, 'payload'), 'utf8')).toBe('installed');
    expect(outputs.filter((o) => o.includes('installing fixture into'))).toHaveLength(1);
    expect(outputs.filter((o) => o.includes('waiting for another process'))).toHaveLength(2);
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('redoes a half-finished install (no completion marker)', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'partial-junk'), '');
    const { install, runs } = countingInstall(10);
    await installOnce(dir, install, { what: 'pkg' });
    expect(runs()).toBe(1);
    expect(existsSync(join(dir, 'partial-junk'))).toBe(false);
    expect(existsSync(join(dir, INSTALLED_MARKER))).toBe(true);
  });

  it('does not mark a failed install, and the next call tries again', async () => {
    const failing: InstallFn = async (target) => {
      await mkdir(target, { recursive: true });
      throw new Error('pip exploded');
    };
    await expect(installOnce(dir, failing, { what: 'pkg' })).rejects.toThrow('pip exploded');
    expect(await isInstalled(dir)).toBe(false);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const { install, runs } = countingInstall(10);
    await installOnce(dir, install, { what: 'pkg' });
    expect(runs()).toBe(1);
  });

  it('breaks the lock of a process that died mid-install', async () => {
    await writeLock({ pid: await deadPid() });
    const logs: LogEntry[] = [];
    const { install, runs } = countingInstall(10);
    await installOnce(dir, install, { what: 'pkg', onLog: (e) => logs.push(e), pollMs: 20 });
    expect(runs()).toBe(1);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringContaining('removing a stale install lock') }),
    );
  });

  it('waits while a live process holds the lock, then uses its install', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      await writeLock({ pid: holder.pid ?? 0 });
      const { install, runs } = countingInstall(10);
      let done = false;
      const waiting = installOnce(dir, install, { what: 'pkg', pollMs: 20 }).then(() => (done = true));
      await sleep(300);
      expect(done).toBe(false);
      // the holder finishes: marker first, then the lock goes
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, INSTALLED_MARKER), '{}');
      await rm(`${dir}.lock`, { recursive: true });
      await waiting;
      expect(runs()).toBe(0);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('gives up waiting for a lock after waitTimeoutMs', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      await writeLock({ pid: holder.pid ?? 0 });
      const { install } = countingInstall(10);
      await expect(installOnce(dir, install, { what: 'pkg', pollMs: 20, waitTimeoutMs: 200 })).rejects.toThrow(
        'timed out waiting for the install lock',
      );
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
