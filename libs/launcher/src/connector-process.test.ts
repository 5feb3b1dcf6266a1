import type { LogEntry } from '@tributary/domain';
import { fixturePath, isAlive, pausingReader } from '@tributary/testing';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LineSplitter, decodeLine } from '@tributary/protocol';
import { spawnConnector, stderrAsLogs } from './connector-process.js';
import { ProcessLauncher } from './process-launcher.js';
import type { ConnectorProcess } from './types.js';

const stubbornTree = fixturePath('stubborn-tree.mjs');

interface TreePids {
  leader: number;
  plain: number;
  deaf: number;
}

/** Reads stdout until the fixture announces its pids; keeps draining afterwards. */
function pidsOf(proc: ConnectorProcess): Promise<TreePids> {
  return new Promise((resolve, reject) => {
    const splitter = new LineSplitter((line) => {
      const decoded = decodeLine(line);
      if (decoded.kind === 'message' && decoded.message.type === 'LOG' && decoded.message.log.message.startsWith('pids ')) {
        resolve(JSON.parse(decoded.message.log.message.slice(5)) as TreePids);
      }
    });
    proc.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    void proc.exited.then(() => reject(new Error('exited before printing its pids')));
  });
}

const spawned: number[] = [];
const treePids = async (proc: ConnectorProcess) => {
  const pids = await pidsOf(proc);
  spawned.push(pids.leader, pids.plain, pids.deaf);
  expect([pids.leader, pids.plain, pids.deaf].every(isAlive)).toBe(true);
  return pids;
};
const allDead = (pids: TreePids) => [pids.leader, pids.plain, pids.deaf].filter(isAlive);

afterEach(() => {
  // never leave a stray process behind, even when a test fails
  for (const pid of spawned.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe('spawnConnector', () => {
  it('kill() takes down a SIGTERM-ignoring leader and its grandchildren within the grace period', async () => {
    const proc = spawnConnector({ command: process.execPath, args: [stubbornTree], role: 'source' });
    const pids = await treePids(proc);
    const started = Date.now();
    const exit = await proc.kill(500);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(exit.signal).toBe('SIGKILL');
    await expect.poll(() => allDead(pids), { timeout: 1_000, interval: 50 }).toEqual([]);
  });

  it('kills grandchildren left behind when the leader exits on its own', async () => {
    const proc = spawnConnector({ command: process.execPath, args: [stubbornTree, 'orphan-on-exit'], role: 'source' });
    const pids = await pidsOf(proc);
    spawned.push(pids.plain, pids.deaf);
    // without the group kill, the orphans would hold stdout open and this would never resolve
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    await expect.poll(() => allDead(pids), { timeout: 1_000, interval: 50 }).toEqual([]);
  });

  it('a command that cannot be spawned exits 127 with an error log', async () => {
    const logs: LogEntry[] = [];
    const proc = spawnConnector({ command: '/nonexistent/connector', args: [], role: 'destination', onLog: (e) => logs.push(e) });
    expect(await proc.exited).toEqual({ code: 127, signal: null });
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'error',
        origin: 'destination',
        message: expect.stringContaining('failed to start /nonexistent/connector'),
      }),
    ]);
  });

  it('kill() after exit just returns the exit', async () => {
    const proc = spawnConnector({ command: process.execPath, args: ['-e', 'process.exit(4)'], role: 'source' });
    expect(await proc.exited).toEqual({ code: 4, signal: null });
    expect(await proc.kill(10)).toEqual({ code: 4, signal: null });
  });
});

describe('ProcessLauncher cancellation', () => {
  let tmpDir: string;
  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'launcher-cancel-'));
  });
  afterAll(async () => {
    await rm(tmpDir, { recursive: true, force: true });
  });

  it('aborting RunOptions.signal kills the whole process group of a read', async () => {
    const launcher = new ProcessLauncher({ installDir: join(tmpDir, 'install'), tmpDir });
    const controller = new AbortController();
    const def = { runtime: { kind: 'command' as const, command: process.execPath, args: [stubbornTree] } };
    const catalog = { streams: [] };
    const proc = await launcher.read(def, { config: {}, catalog }, { signal: controller.signal });
    const pids = await treePids(proc);
    controller.abort();
    // default grace is 5 s: the leader ignores SIGTERM, so SIGKILL ends it
    const exit = await proc.exited;
    expect(exit.signal).toBe('SIGKILL');
    await expect.poll(() => allDead(pids), { timeout: 1_000, interval: 50 }).toEqual([]);
  }, 15_000);

  it('a signal aborted before the start kills the connector at once', async () => {
    const launcher = new ProcessLauncher({ installDir: join(tmpDir, 'install'), tmpDir });
    const result = await launcher.spec(
      { runtime: { kind: 'command', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] } },
      { signal: AbortSignal.abort() },
    );
    expect(result).toMatchObject({ ok: false, failure: { message: 'source spec was cancelled' } });
  });
});

describe('ProcessLauncher.read with a stdoutReader', () => {
  // prints 3 MB in one go and exits at once: everything must have been read by `exited`
  const printer = {
    runtime: {
      kind: 'command' as const,
      command: process.execPath,
      args: ['-e', "process.stdout.write(Buffer.alloc(3e6, 'x')); process.stdout.write('end\\n')"],
    },
  };

  async function readAll(tmpDir: string) {
    const launcher = new ProcessLauncher({ installDir: join(tmpDir, 'install'), tmpDir });
    let resume = () => {};
    const { reader, state } = pausingReader(() => resume());
    const proc = await launcher.read(printer, { config: {}, catalog: { streams: [] } }, { stdoutReader: reader });
    resume = () => proc.stdout.resume();
    if (!proc.stdoutReaderAttached) proc.stdout.on('data', (c: Buffer) => state.seen.push(c));
    const exit = await proc.exited;
    return { exit, out: Buffer.concat(state.seen), attached: proc.stdoutReaderAttached, pauses: state.pauses };
  }

  it('reads all of stdout into the reader before `exited` resolves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reader-'));
    try {
      const { exit, out, attached, pauses } = await readAll(dir);
      expect(attached).toBe(true);
      expect(exit.code).toBe(0);
      expect(pauses).toBeGreaterThan(0);
      expect(out.length).toBe(3e6 + 4);
      expect(out.subarray(-4).toString()).toBe('end\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('falls back to an ordinary pipe where a socket path would be too long', async () => {
    const dir = await mkdtemp(join(tmpdir(), `reader-${'d'.repeat(100)}-`));
    try {
      const { exit, out, attached } = await readAll(dir);
      expect(attached).toBe(false);
      expect(exit.code).toBe(0);
      expect(out.length).toBe(3e6 + 4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('stderrAsLogs', () => {
  const messages = (logs: LogEntry[]) => logs.map((l) => [l.origin, l.message]);

  it("a spawned connector's last stderr line without a newline is logged by the time it has exited", async () => {
    const logs: LogEntry[] = [];
    const proc = spawnConnector({
      command: '/bin/sh',
      args: ['-c', "printf 'first\\nlast, no newline' >&2"],
      role: 'source',
      onLog: (e) => logs.push(e),
    });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(messages(logs)).toEqual([
      ['source', 'first'],
      ['source', 'last, no newline'],
    ]);
  });

  it('flushes the last line once, whether the stream ends then closes or is destroyed without an end', async () => {
    const ended: LogEntry[] = [];
    const endedStream = new PassThrough();
    stderrAsLogs(endedStream, 'destination', (e) => ended.push(e));
    endedStream.end('a\nb');
    endedStream.resume();
    await once(endedStream, 'close');
    expect(messages(ended)).toEqual([
      ['destination', 'a'],
      ['destination', 'b'],
    ]);

    const destroyed: LogEntry[] = [];
    const destroyedStream = new PassThrough();
    stderrAsLogs(destroyedStream, 'source', (e) => destroyed.push(e));
    destroyedStream.write('cut short');
    await new Promise((resolve) => setImmediate(resolve));
    destroyedStream.destroy();
    await once(destroyedStream, 'close');
    expect(messages(destroyed)).toEqual([['source', 'cut short']]);
  });

  it("ends the log of a stderr socket that comes back reset, without an unhandled error (a forked connector's stderr)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stderr-reset-'));
    const server = createServer();
    try {
      await new Promise<void>((resolve) => server.listen(join(dir, 'err.sock'), resolve));
      const accepted = once(server, 'connection');
      const connector = connect(join(dir, 'err.sock'));
      await once(connector, 'connect');
      const [stderr] = (await accepted) as [Socket];
      const logs: LogEntry[] = [];
      stderrAsLogs(stderr, 'source', (e) => logs.push(e));
      connector.write('a last line');
      // the connector's end closes with bytes it never read (more than it buffers): the kernel resets our end
      stderr.write(Buffer.alloc(1024 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 50));
      connector.destroy();
      // (events.once would reject on the 'error' itself)
      await new Promise((resolve) => stderr.once('close', resolve));
      // the reset did happen (else this test would prove nothing); no listener of the test's own caught it
      expect((stderr.errored as NodeJS.ErrnoException | null)?.code).toBe('ECONNRESET');
      expect(messages(logs)).toEqual([['source', 'a last line']]);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
