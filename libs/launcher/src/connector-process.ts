/**
 * Spawning one connector process: its own process group (so cancellation reaches
 * grandchildren such as a Python interpreter's subprocesses), stderr captured as logs,
 * and its temp dir removed once it exits.
 */
import type { ConnectorRole, LogSink } from '@tributary/domain';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { LineSplitter } from '@tributary/protocol';
import { lowerCpuPriority } from './cpu-priority.js';
import type { ConnectorUser } from './run-dirs.js';
import type { ConnectorProcess, ProcessExit, StdoutReader } from './types.js';

export const DEFAULT_KILL_GRACE_MS = 5_000;

export interface SpawnSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  role: ConnectorRole;
  onLog?: LogSink;
  /** removed after exit */
  tempDir?: string;
  cwd?: string;
  /** the connector's stdout is this channel's childEnd, read through its readerEnd */
  stdout?: StdoutChannel;
  /** run as this user, with HOME in tempDir (the worker's own HOME is not theirs) */
  user?: ConnectorUser;
  /** a lower CPU priority (1-19), see lowerCpuPriority */
  nice?: number;
}

/**
 * A connected pair of Unix stream sockets (what Node gives a child's stdio 'pipe' too):
 * childEnd becomes the connector's stdout, readerEnd reads it into a StdoutReader's buffers.
 */
export interface StdoutChannel {
  childEnd: Socket;
  readerEnd: Socket;
}

/** sun_path holds 108 bytes on Linux, 104 on macOS */
export const MAX_SOCKET_PATH = 100;

/**
 * Makes a StdoutChannel through a listening socket in `dir` (a private 0700 directory),
 * removed again once connected. undefined when that is not possible here: the caller then
 * uses an ordinary stdout pipe.
 */
export async function openStdoutChannel(dir: string, reader: StdoutReader): Promise<StdoutChannel | undefined> {
  const path = join(dir, 'stdout.sock');
  if (process.platform === 'win32' || Buffer.byteLength(path) > MAX_SOCKET_PATH) return undefined;
  const server = createServer({ pauseOnConnect: true });
  let readerEnd: Socket | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    const accepted = new Promise<Socket>((resolve, reject) => {
      server.once('connection', resolve);
      server.once('error', reject);
    });
    accepted.catch(() => undefined); // settled below, or moot when connecting failed
    readerEnd = await connectReader(path, reader);
    const childEnd = await accepted;
    return { childEnd, readerEnd };
  } catch {
    readerEnd?.destroy();
    return undefined;
  } finally {
    // closing the server unlinks its path; connected sockets stay connected
    server.close();
  }
}

/** Connects to the Unix socket at `path`; with `reader`, what arrives lands in the reader's own buffers (onread). */
export async function connectReader(path: string, reader: StdoutReader | undefined): Promise<Socket> {
  const socket = connect({
    path,
    ...(reader ? { onread: { buffer: () => reader.buffer(), callback: (bytes: number) => reader.onRead(bytes) } } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return socket;
}

/** The environment connectors get: enough to run, nothing of the platform's secrets. */
export function connectorEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = [
    'PATH',
    'HOME',
    'LANG',
    'LC_ALL',
    'TZ',
    'TMPDIR',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'PIP_INDEX_URL',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
  ];
  const env: Record<string, string> = {};
  for (const key of keep) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, PYTHONUNBUFFERED: '1', ...extra };
}

/**
 * Connectors die with the worker that started them (kill -9, OOM): otherwise a source goes on
 * calling its API, and a destination that sees its input end may take it for a finished sync.
 * setpriv (util-linux, in every Debian image) sets the parent-death signal and execs the
 * connector in place: no extra process. Without it, connectors run as they are.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

export function dyingWithParent(command: string, args: readonly string[]): [string, string[]] {
  // a path that is not there fails in spawn itself, with its own error (not setpriv's)
  const missing = command.includes('/') && !existsSync(command);
  return SETPRIV && !missing ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
}

export function spawnConnector(spec: SpawnSpec): ConnectorProcess {
  const channel = spec.stdout;
  let child: ChildProcess;
  try {
    child = spawn(...dyingWithParent(spec.command, spec.args), {
      cwd: spec.cwd,
      env: connectorEnv(spec.user && spec.tempDir ? { HOME: spec.tempDir, ...spec.env } : spec.env),
      ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
      stdio: ['pipe', channel ? channel.childEnd : 'pipe', 'pipe'],
      detached: true, // new process group: kill(-pid) reaches the whole tree
    });
  } catch (err) {
    channel?.readerEnd.destroy();
    throw err;
  } finally {
    // the child has its own copy: ours would keep the reader from ever seeing EOF
    channel?.childEnd.destroy();
  }
  if (spec.nice && child.pid !== undefined) lowerCpuPriority(child.pid, spec.nice);
  // stdio[0] and [2] are always pipes
  const stdin = child.stdin!;
  const stderr = child.stderr!;
  const stdout = channel ? channel.readerEnd : child.stdout!;
  // the child's 'close' does not wait for a stdout it did not create: 'exited' must, so that
  // everything the connector printed has been read by then (as with a pipe)
  const stdoutClosed = channel
    ? new Promise<void>((resolve) => {
        if (channel.readerEnd.closed) resolve();
        else channel.readerEnd.once('close', () => resolve());
      })
    : undefined;

  stderrAsLogs(stderr, spec.role, spec.onLog);
  stdin.on('error', () => {
    // the connector closed its stdin (exited early); its exit status tells the story
  });
  const signalGroup = groupSignaller(() => child.pid);

  // Once the leader is gone the connector is done (as when a container's PID 1 exits):
  // leftover group members would otherwise hold stdout open and 'close' would never come.
  child.once('exit', () => signalGroup('SIGKILL'));

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (err) => {
      // spawn failed (ENOENT, EACCES): report it like a shell would
      spec.onLog?.({
        timestamp: Date.now(),
        level: 'error',
        origin: spec.role,
        message: `failed to start ${spec.command}: ${err.message}`,
      });
      resolve({ code: 127, signal: null });
    });
    child.once('close', (code, signal) => {
      if (stdoutClosed) void stdoutClosed.then(() => resolve({ code, signal }));
      else resolve({ code, signal });
    });
  }).then(async (exit) => {
    if (spec.tempDir) await rm(spec.tempDir, { recursive: true, force: true });
    return exit;
  });

  return {
    role: spec.role,
    stdout,
    stdin,
    stdoutReaderAttached: channel !== undefined,
    exited,
    kill: killer(signalGroup, exited),
  };
}

/** A connector's stderr as log lines of its role, a last line without a newline too (once the stream ends or closes). */
export function stderrAsLogs(stderr: Readable, role: ConnectorRole, onLog: LogSink | undefined): void {
  const lines = new LineSplitter(
    (line) => onLog?.({ timestamp: Date.now(), level: 'info', origin: role, message: line.toString('utf8') }),
    { maxLineBytes: 1024 * 1024 },
  );
  stderr.on('data', (chunk: Buffer) => {
    try {
      lines.push(chunk);
    } catch {
      // an absurdly long stderr line is dropped, not fatal
    }
  });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    try {
      lines.end();
    } catch {
      // ignore
    }
  };
  stderr.once('end', end);
  stderr.once('close', end);
  // a forked connector's stderr is a socket, which can come back reset when its fork server is
  // killed under it (seen in the fork server's tests): unhandled, that error would take the
  // worker down; its log ends there, and its exit status tells what happened
  stderr.on('error', end);
}

/** Signals the process group a connector leads (`pid()` undefined: not started, nothing to signal). */
export function groupSignaller(pid: () => number | undefined): (signal: NodeJS.Signals) => void {
  return (signal) => {
    const leader = pid();
    if (leader === undefined) return;
    try {
      process.kill(-leader, signal);
    } catch {
      // already gone
    }
  };
}

/** ConnectorProcess.kill: SIGTERM to the group, SIGKILL after graceMs; resolves with the exit. */
export function killer(signalGroup: (signal: NodeJS.Signals) => void, exited: Promise<ProcessExit>): ConnectorProcess['kill'] {
  let done = false;
  void exited.then(() => (done = true));
  return async (graceMs = DEFAULT_KILL_GRACE_MS) => {
    if (done) return exited;
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  };
}
