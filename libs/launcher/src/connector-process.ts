/**
 * Spawning one connector process: its own process group (so cancellation reaches
 * grandchildren such as a Python interpreter's subprocesses), stderr captured as logs,
 * and its temp dir removed once it exits.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { LineSplitter } from '@tributary/protocol';
import type { ConnectorProcess, ConnectorRole, LogSink, ProcessExit } from './types.js';

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

export function spawnConnector(spec: SpawnSpec): ConnectorProcess {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: connectorEnv(spec.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // new process group: kill(-pid) reaches the whole tree
  });

  const stderrLines = new LineSplitter(
    (line) => spec.onLog?.({ timestamp: Date.now(), level: 'info', origin: spec.role, message: line.toString('utf8') }),
    { maxLineBytes: 1024 * 1024 },
  );
  child.stderr.on('data', (chunk: Buffer) => {
    try {
      stderrLines.push(chunk);
    } catch {
      // an absurdly long stderr line is dropped, not fatal
    }
  });
  child.stdin.on('error', () => {
    // the connector closed its stdin (exited early); its exit status tells the story
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };

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
      try {
        stderrLines.end();
      } catch {
        // ignore
      }
      resolve({ code, signal });
    });
  }).then(async (exit) => {
    if (spec.tempDir) await rm(spec.tempDir, { recursive: true, force: true });
    return exit;
  });

  let done = false;
  void exited.then(() => {
    done = true;
  });

  const connector: ConnectorProcess = {
    role: spec.role,
    stdout: child.stdout,
    stdin: child.stdin,
    exited,
    async kill(graceMs = DEFAULT_KILL_GRACE_MS) {
      if (done) return exited;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  return connector;
}
