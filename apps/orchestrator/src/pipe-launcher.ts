/**
 * The orchestrator's ConnectorLauncher: in a replication pod the connectors are other
 * containers, already started by the kubelet, so "launching" one is opening its named pipes
 * in the shared emptyDir (connectorPodFiles), in the order its shell opens them (a FIFO's open
 * waits for the other end). Its exit status comes from the file its container writes last.
 */
import { open, type PathLike } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectorRole } from '@tributary/domain';
import {
  connectorPodFiles,
  stderrAsLogs,
  type ConnectorLauncher,
  type ConnectorProcess,
  type ProcessExit,
  type RunOptions,
  type StdoutReader,
} from '@tributary/launcher';

/** How long to wait, once a connector's pipes are closed, for the exit status its container writes right after. */
const EXIT_STATUS_WAIT_MS = 10_000;

/** An fd for a FIFO. fs.open, not FileHandle: the socket takes the fd over and closes it. */
function openFifo(path: PathLike, flags: 'r' | 'w'): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
}

function fifoSocket(fd: number, direction: 'read' | 'write', reader?: StdoutReader): Socket {
  return new Socket({
    fd,
    readable: direction === 'read',
    writable: direction === 'write',
    ...(reader ? { onread: { buffer: () => reader.buffer(), callback: (bytes: number) => reader.onRead(bytes) } } : {}),
  });
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** `sh` reports a death by signal N as 128 + N. */
export function exitFromStatus(status: number): ProcessExit {
  if (status > 128) {
    const signal = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0] as NodeJS.Signals | undefined;
    if (signal) return { code: null, signal };
  }
  return { code: status, signal: null };
}

async function readExitStatus(path: string, waitMs: number, gaveUp: () => boolean): Promise<ProcessExit | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    const status = text === undefined ? NaN : Number.parseInt(text.trim(), 10);
    if (Number.isInteger(status)) return exitFromStatus(status);
    if (Date.now() >= deadline || gaveUp()) return undefined;
    await sleep(50);
  }
}

async function attach(sharedDir: string, role: ConnectorRole, options: RunOptions): Promise<ConnectorProcess> {
  const files = connectorPodFiles(role, sharedDir);
  // the shell opens stdin (destination), then stdout, then stderr: the same order here
  const stdin = role === 'destination' ? fifoSocket(await openFifo(files.stdin, 'w'), 'write') : undefined;
  const stdout = fifoSocket(await openFifo(files.stdout, 'r'), 'read', options.stdoutReader);
  const stderr = fifoSocket(await openFifo(files.stderr, 'r'), 'read');
  stderrAsLogs(stderr, role, options.onLog);
  stdin?.on('error', () => {
    // the connector closed its stdin (exited early); its exit status tells the story
  });
  let killed = false;
  const exited = (async (): Promise<ProcessExit> => {
    await Promise.all([closed(stdout), closed(stderr)]);
    stdin?.destroy();
    const exit = await readExitStatus(files.exitStatus, EXIT_STATUS_WAIT_MS, () => killed);
    // no status: the container went away without finishing its script (killed with the pod)
    return exit ?? { code: null, signal: 'SIGKILL' };
  })();
  return {
    role,
    stdout,
    stdoutReaderAttached: options.stdoutReader !== undefined,
    // a source reads nothing: a sink that takes and drops
    stdin: stdin ?? new PassThrough().resume(),
    exited,
    // another container's process cannot be signalled from here: closing our ends stops it
    // (a source's next write fails with EPIPE, a destination sees its input end); the pod's
    // deletion by the worker does the rest
    kill: async (graceMs = 5_000) => {
      stdin?.destroy();
      stdout.destroy();
      stderr.destroy();
      const exit = await Promise.race([exited, sleep(graceMs).then(() => undefined)]);
      killed = true;
      return exit ?? { code: null, signal: 'SIGKILL' };
    },
  };
}

export function pipeLauncher(sharedDir: string): ConnectorLauncher {
  const notHere = (what: string) => () => Promise.reject(new Error(`${what} does not run in a replication pod`));
  return {
    spec: notHere('spec'),
    check: notHere('check'),
    discover: notHere('discover'),
    read: (_definition, _input, options = {}) => attach(sharedDir, 'source', { ...options, role: 'source' }),
    write: (_definition, _input, options = {}) => attach(sharedDir, 'destination', { ...options, role: 'destination' }),
  };
}
