/**
 * PythonForkServer: one Python process for a PyPI connector that has imported its entry point
 * once and forks a child per command (FORK_SERVER_PROGRAM). A CDK connector spends ~2 s of CPU
 * importing before it does anything: through the server, the discover that checks the schema
 * beside a sync's read, a check before it, or the next sync's read start in a fraction of that.
 * Each child is the connector as its console script would run it: its argv, its run dir as cwd,
 * its own stdio (Unix sockets in the run dir), its own process group. Its stdout is a socket
 * the worker connects to, so a StdoutReader gets the output in the reader's own buffers, as
 * with a spawned process (no fresh buffer per read for the garbage collector to chase).
 */
import type { ConnectorRole, LogSink } from '@tributary/domain';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { LineSplitter } from '@tributary/protocol';
import {
  connectorEnv,
  connectReader,
  dyingWithParent,
  groupSignaller,
  killer,
  MAX_SOCKET_PATH,
  stderrAsLogs,
} from './connector-process.js';
import { FORK_SERVER_PROGRAM } from './fork-server-program.js';
import type { ConnectorUser } from './run-dirs.js';
import type { ConnectorProcess, ProcessExit, StdoutReader } from './types.js';

/** A console script's interpreter and the function it calls. */
export interface ConsoleScript {
  path: string;
  python: string;
  module: string;
  attr: string;
}

/**
 * Reads a console script as pip writes it (`#!<python>`, `from <module> import <attr>`,
 * `sys.exit(<attr>())`); undefined for any other kind of script.
 */
export async function readConsoleScript(path: string): Promise<ConsoleScript | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const python = /^#!(\/\S*python[\d.]*)\s*\n/.exec(text)?.[1];
  const from = /^from ([A-Za-z_][\w.]*) import ([A-Za-z_]\w*)\s*$/m.exec(text);
  const exit = /^\s*sys\.exit\(([A-Za-z_]\w*)\(\)\)\s*$/m.exec(text);
  if (!python || !from || !exit || exit[1] !== from[2]) return undefined;
  return { path, python, module: from[1]!, attr: from[2]! };
}

export interface ForkServerOptions {
  env?: Record<string, string>;
  user?: ConnectorUser;
  /** the server's own problems (its stderr, why it could not start) */
  onLog?: LogSink;
}

export interface ForkedRun {
  args: string[];
  /** the run's private dir: its cwd, where its sockets go; removed once it has ended */
  runDir: string;
  role: ConnectorRole;
  onLog?: LogSink;
  /** stdout is read into the reader's buffers instead of 'data' events */
  stdoutReader?: StdoutReader;
  /** a lower CPU priority (1-19), which the child takes before it runs the connector (see lowerCpuPriority) */
  nice?: number;
}

/** how long the connections of a child reported ended are waited for */
const CONNECT_GRACE_MS = 200;

const delay = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));

/** Whether a run dir can hold the stdio sockets of a forked run (a socket path is short). */
export const fitsStdioSockets = (runDir: string): boolean => Buffer.byteLength(join(runDir, 'out.sock')) <= MAX_SOCKET_PATH;

type Report =
  | { ready: true }
  | { failed: string }
  | { id: number; pid: number }
  | { id: number; code: number; error?: string }
  | { id: number; signal: string };

interface RunWaiter {
  pid: (pid: number) => void;
  /** why the server could not fork the command */
  error: (message: string) => void;
  exit: (exit: ProcessExit) => void;
}

export class PythonForkServer {
  private nextId = 1;
  private readonly waiters = new Map<number, RunWaiter>();
  private active = 0;
  private gone = false;
  /** resolves once the server process has exited and its output is read */
  readonly ended: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly script: ConsoleScript,
    private readonly options: ForkServerOptions,
  ) {
    this.ended = once(child, 'close').then(() => undefined);
    child.once('exit', () => (this.gone = true));
    // after its last reports are read: its children die with it (PDEATHSIG), and runs it never
    // reported on end as killed
    child.once('close', () => {
      this.gone = true;
      for (const waiter of this.waiters.values()) waiter.exit({ code: null, signal: 'SIGKILL' });
      this.waiters.clear();
    });
    child.stdin!.on('error', () => {
      // it exited: 'close' ends its runs
    });
  }

  /** Starts a server for `script` and waits until it has imported it; undefined (logged) when it cannot serve. */
  static async start(script: ConsoleScript, options: ForkServerOptions = {}): Promise<PythonForkServer | undefined> {
    const child = spawn(...dyingWithParent(script.python, ['-c', FORK_SERVER_PROGRAM, script.module, script.attr]), {
      env: connectorEnv(options.env),
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const server = new PythonForkServer(child, script, options);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const ready = new Promise<string | undefined>((resolve) => {
      const lines = new LineSplitter((line) => {
        let report: Report;
        try {
          report = JSON.parse(line.toString('utf8')) as Report;
        } catch {
          return; // not a report (the program keeps the connector's own output off this channel)
        }
        if ('ready' in report) resolve(undefined);
        else if ('failed' in report) resolve(report.failed);
        else server.dispatch(report);
      });
      child.stdout!.on('data', (chunk: Buffer) => lines.push(chunk));
      child.once('error', (error) => resolve(error.message));
      child.once('exit', (code, signal) => resolve(`it exited (${signal ?? code}) ${stderr.trim()}`.trim()));
    });
    const failure = await ready;
    if (failure !== undefined) {
      options.onLog?.({
        timestamp: Date.now(),
        level: 'info',
        origin: 'platform',
        message: `${script.path} runs without a fork server: ${failure}`,
      });
      child.kill('SIGKILL');
      return undefined;
    }
    // idle, the server must not keep the worker or a CLI run alive
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();
    return server;
  }

  /** Runs in progress. */
  get activeRuns(): number {
    return this.active;
  }

  get stopped(): boolean {
    return this.gone;
  }

  /** No more commands: the server exits once its children have ended. */
  stop(): void {
    if (!this.gone) this.child.stdin!.end();
  }

  /** Forks a child for `run`: a ConnectorProcess like a spawned one. */
  async run(run: ForkedRun): Promise<ConnectorProcess> {
    if (this.gone) throw new Error('the fork server has exited');
    const id = this.nextId++;
    this.active++;
    let pid: number | undefined;
    let forked!: () => void;
    // out.sock is listened on from the fork on
    const stdoutListening = new Promise<void>((resolve) => (forked = resolve));
    // registered at once: a server that exits from here on ends this run too
    const exit = new Promise<ProcessExit>((resolve) => {
      this.waiters.set(id, {
        pid: (p) => {
          pid = p;
          forked();
        },
        error: (message) => run.onLog?.({ timestamp: Date.now(), level: 'error', origin: 'platform', message }),
        exit: (e) => {
          this.waiters.delete(id);
          resolve(e);
        },
      });
    });
    let sockets: Awaited<ReturnType<typeof listenForStdio>>;
    try {
      sockets = await listenForStdio(run.runDir, this.options.user !== undefined);
    } catch (error) {
      this.waiters.delete(id);
      this.active--;
      throw error;
    }
    const command = {
      id,
      argv: run.args,
      cwd: run.runDir,
      env: this.options.user ? { HOME: run.runDir } : {},
      stdio: run.runDir,
      script: this.script.path,
      nice: run.nice ?? 0,
    };
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
    // the child connects its stdin and stderr and we connect to its stdout, unless it fails first
    // (its connections, when made, come before its end is reported: a short grace keeps the
    // output of one that ends at once)
    const stdio = Promise.all([
      sockets.connected,
      // a child gone before we connect has printed nothing; its stderr and exit still count
      stdoutListening.then(() => connectStdout(join(run.runDir, 'out.sock'), run.stdoutReader)).catch(() => undefined),
    ]);
    const connected = await Promise.race([stdio, exit.then(() => Promise.race([stdio, delay(CONNECT_GRACE_MS)]))]).catch(() => undefined);
    sockets.close();
    const [[stdin, stderr], connectedStdout] = connected ?? [[endedWritable(), endedReadable()], undefined];
    const stdout = connectedStdout ?? endedReadable();
    const readerAttached = connectedStdout !== undefined && run.stdoutReader !== undefined;
    const signalGroup = groupSignaller(() => pid);
    // a child whose stdout we could not connect to has nowhere to write: it goes
    if (!connectedStdout) signalGroup('SIGKILL');
    // once the child is gone its group is done: leftovers would hold stdout open
    void exit.then(() => signalGroup('SIGKILL'));
    stderrAsLogs(stderr, run.role, run.onLog);
    stdin.on('error', () => {
      // the connector closed its stdin (exited early); its exit status tells the story
    });
    // not events.once, which rejects on an 'error' first: a socket reset as the child dies (its
    // server killed under it) still closes, and `exited` must tell the exit, not the reset
    const closed = (stream: Readable) =>
      stream.closed ? Promise.resolve() : new Promise<void>((resolve) => stream.once('close', () => resolve()));
    // as with a pipe: everything the connector printed has been read once it counts as exited
    const exited = Promise.all([exit, closed(stdout), closed(stderr)]).then(async ([e]) => {
      await rm(run.runDir, { recursive: true, force: true });
      this.active--;
      return e;
    });
    return { role: run.role, stdin, stdout, stdoutReaderAttached: readerAttached, exited, kill: killer(signalGroup, exited) };
  }

  private dispatch(report: Report): void {
    if (!('id' in report)) return;
    const waiter = this.waiters.get(report.id);
    if (!waiter) return;
    if ('pid' in report) waiter.pid(report.pid);
    else if ('code' in report) {
      if (report.error) waiter.error(report.error);
      waiter.exit({ code: report.code, signal: null });
    } else waiter.exit({ code: null, signal: report.signal as NodeJS.Signals });
  }
}

/** Connects to the child's stdout (with `reader`, its bytes land in the reader's buffers). */
async function connectStdout(path: string, reader: StdoutReader | undefined): Promise<Readable> {
  const socket = await connectReader(path, reader);
  socket.on('error', () => {
    // never expected (the server closes what the child did not take, an end as with a pipe);
    // if it happens the socket closes, and the exit status tells what happened
  });
  return socket;
}

/** Listens on in.sock and err.sock in `dir`; `connected` resolves with the two accepted sockets. */
async function listenForStdio(
  dir: string,
  otherUser: boolean,
): Promise<{ connected: Promise<[Writable & Readable, Readable]>; close: () => void }> {
  const names = ['in', 'err'] as const;
  const servers: Server[] = [];
  const accepted: Promise<Socket>[] = [];
  const close = () => servers.forEach((s) => s.close());
  try {
    for (const name of names) {
      const path = join(dir, `${name}.sock`);
      const server = createServer();
      servers.push(server);
      const connection = once(server, 'connection').then(([socket]) => socket as Socket);
      connection.catch(() => undefined); // settled with the others below, or moot
      accepted.push(connection);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, resolve);
      });
      // the connector's user connects to it (the run dir itself is private to that user)
      if (otherUser) await chmod(path, 0o666);
    }
  } catch (error) {
    close();
    throw error;
  }
  return {
    connected: Promise.all(accepted).then((sockets) => [sockets[0]!, sockets[1]!]),
    // closing a server unlinks its path; accepted sockets stay connected
    close,
  };
}

function endedReadable(): Readable {
  const stream = new PassThrough();
  stream.end();
  stream.resume();
  return stream;
}

function endedWritable(): Writable & Readable {
  const stream = new PassThrough();
  stream.resume();
  return stream;
}
