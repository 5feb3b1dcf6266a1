/**
 * ProcessLauncher: runs connectors as local processes (the embedded default).
 */
import type { ConnectorRole, LogSink } from '@tributary/domain';
import { tmpdir } from 'node:os';
import {
  type AirbyteCatalog,
  type AirbyteConnectionStatus,
  type AirbyteMessage,
  type AirbyteMessageType,
  type ConnectorSpecification,
} from '@tributary/protocol';
import { openStdoutChannel, spawnConnector } from './connector-process.js';
import { findExecutable } from './find-executable.js';
import { createRunDir, type ConnectorUser } from './run-dirs.js';
import { CommandsNotAllowedError, resolveRuntime, type InstallOptions } from './runtimes.js';
import {
  ConnectorLaunchError,
  type ConnectorDefinition,
  type ConnectorLauncher,
  type ConnectorProcess,
  type LaunchResult,
  type ReadInput,
  type RunOptions,
  type WriteInput,
} from './types.js';
import { OneMessageOutput } from './one-message-output.js';
import { fitsStdioSockets, PythonForkServer, readConsoleScript } from './python-fork-server.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 5 * 60_000;
/** a connector stopped after its answer that ignores SIGTERM is killed after this long */
const ANSWERED_KILL_GRACE_MS = 1_000;

export interface ProcessLauncherOptions extends InstallOptions {
  /** parent of per-run temp dirs holding config/catalog/state; default os.tmpdir() */
  tmpDir?: string;
  /**
   * run connectors as this user (the worker must be root): their run dirs are theirs, their
   * HOME is the run dir, and they cannot read the worker's files or /proc entries
   */
  connectorUser?: ConnectorUser;
  /**
   * PyPI connectors run through a PythonForkServer, kept this long after its last run
   * (default FORK_SERVER_IDLE_MS); 0 turns it off: each command starts its own interpreter
   */
  forkServerIdleMs?: number;
  /**
   * a destination's `write` runs at this lower CPU priority (1-19; 0: as the worker; default
   * DEFAULT_DESTINATION_NICE), so that a busy machine keeps its source going (see lowerCpuPriority)
   */
  destinationNice?: number;
}

/** bench:real-source (2 vCPUs), 8 rounds each, alternated: ratio median 0.84 with it, 0.785 without */
export const DEFAULT_DESTINATION_NICE = 10;

/** a fork server outlives its last run by this much: the next command of a sync, or the next sync, finds it */
export const FORK_SERVER_IDLE_MS = 60_000;

interface ForkServerSlot {
  server: Promise<PythonForkServer | undefined>;
  /** the server once started: a run of an earlier, replaced server must not touch this slot */
  started?: PythonForkServer;
  idle?: NodeJS.Timeout;
}

export class ProcessLauncher implements ConnectorLauncher {
  /** by console script, environment and user */
  private readonly forkServers = new Map<string, ForkServerSlot>();

  constructor(private readonly options: ProcessLauncherOptions) {}

  /** Stops the fork servers (they would exit with this process anyway). */
  close(): void {
    for (const slot of this.forkServers.values()) {
      clearTimeout(slot.idle);
      void slot.server.then((server) => server?.stop());
    }
    this.forkServers.clear();
  }

  spec(def: ConnectorDefinition, options: RunOptions = {}): Promise<LaunchResult<ConnectorSpecification>> {
    return this.runForOne(def, ['spec'], {}, 'SPEC', options, (m) => (m.type === 'SPEC' ? m.spec : undefined));
  }

  check(
    def: ConnectorDefinition,
    config: Record<string, unknown>,
    options: RunOptions = {},
  ): Promise<LaunchResult<AirbyteConnectionStatus>> {
    return this.runForOne(def, ['check', '--config', 'config.json'], { 'config.json': config }, 'CONNECTION_STATUS', options, (m) =>
      m.type === 'CONNECTION_STATUS' ? m.connectionStatus : undefined,
    );
  }

  discover(def: ConnectorDefinition, config: Record<string, unknown>, options: RunOptions = {}): Promise<LaunchResult<AirbyteCatalog>> {
    return this.runForOne(def, ['discover', '--config', 'config.json'], { 'config.json': config }, 'CATALOG', options, (m) =>
      m.type === 'CATALOG' ? m.catalog : undefined,
    );
  }

  async read(def: ConnectorDefinition, input: ReadInput, options: RunOptions = {}): Promise<ConnectorProcess> {
    const files: Record<string, unknown> = { 'config.json': input.config, 'catalog.json': input.catalog };
    const args = ['read', '--config', 'config.json', '--catalog', 'catalog.json'];
    if (input.state !== undefined && input.state !== null) {
      files['state.json'] = input.state;
      args.push('--state', 'state.json');
    }
    return this.start(def, args, files, { role: 'source', ...options });
  }

  async write(def: ConnectorDefinition, input: WriteInput, options: RunOptions = {}): Promise<ConnectorProcess> {
    const files = { 'config.json': input.config, 'catalog.json': input.catalog };
    return this.start(def, ['write', '--config', 'config.json', '--catalog', 'catalog.json'], files, {
      role: 'destination',
      ...options,
      nice: this.options.destinationNice ?? DEFAULT_DESTINATION_NICE,
    });
  }

  /** Installs (if needed) and spawns the connector with its input files in a private temp dir. */
  private async start(
    def: ConnectorDefinition,
    args: string[],
    files: Record<string, unknown>,
    options: RunOptions & { role: ConnectorRole; nice?: number },
  ): Promise<ConnectorProcess> {
    let command: { command: string; args: string[] };
    try {
      command = await resolveRuntime(def.runtime, this.options, options.onLog);
    } catch (err) {
      // refused by the operator's setting: retrying cannot help
      const refused = err instanceof CommandsNotAllowedError;
      throw new ConnectorLaunchError({
        origin: options.role,
        type: refused ? 'config_error' : 'system_error',
        message: `could not install or resolve the ${options.role} connector: ${(err as Error).message}`,
        timestamp: Date.now(),
      });
    }
    // checked here rather than left to spawn, so the engine gets a reason and not just exit 127
    if (!(await findExecutable(command.command, def.env?.['PATH'] ?? process.env['PATH']))) {
      throw new ConnectorLaunchError({
        origin: options.role,
        type: 'system_error',
        message: `the ${options.role} connector's executable "${command.command}" does not exist or is not executable`,
        timestamp: Date.now(),
      });
    }
    // mkdtemp creates the dir 0700; files are 0600: config holds secrets
    const run = await createRunDir(this.options.tmpDir ?? tmpdir(), files, this.options.connectorUser);
    let proc: ConnectorProcess;
    try {
      const resolvedArgs = args.map((a) => run.paths[a] ?? a);
      const forkServer =
        def.runtime.kind === 'pypi' && fitsStdioSockets(run.dir) ? await this.forkServer(command, def, options.onLog) : undefined;
      if (forkServer) {
        // from here on the run removes the dir when it ends
        proc = await forkServer.run({
          args: resolvedArgs,
          runDir: run.dir,
          role: options.role,
          nice: options.nice ?? 0,
          ...(options.onLog ? { onLog: options.onLog } : {}),
          ...(options.stdoutReader ? { stdoutReader: options.stdoutReader } : {}),
        });
        void proc.exited.then(() => this.idleWhenDone(command.command, def, forkServer));
      } else {
        const stdout = options.stdoutReader ? await openStdoutChannel(run.dir, options.stdoutReader) : undefined;
        // from here on the process removes the dir when it exits
        proc = spawnConnector({
          command: command.command,
          args: [...command.args, ...resolvedArgs],
          env: def.env,
          role: options.role,
          nice: options.nice ?? 0,
          onLog: options.onLog,
          tempDir: run.dir,
          ...(stdout ? { stdout } : {}),
          ...(this.options.connectorUser ? { user: this.options.connectorUser } : {}),
        });
      }
    } catch (error) {
      await run.remove();
      throw error;
    }
    if (options.signal) {
      const onAbort = () => void proc.kill();
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
      void proc.exited.then(() => options.signal?.removeEventListener('abort', onAbort));
    }
    return proc;
  }

  private forkServerKey(command: string, def: ConnectorDefinition): string {
    return JSON.stringify([command, def.env ?? {}, this.options.connectorUser ?? null]);
  }

  /** The warm fork server of a PyPI console script, started on first use; undefined when it cannot have one (the command then runs on its own). */
  private async forkServer(
    command: { command: string; args: string[] },
    def: ConnectorDefinition,
    onLog?: LogSink,
  ): Promise<PythonForkServer | undefined> {
    if (this.options.forkServerIdleMs === 0 || command.args.length > 0) return undefined;
    const key = this.forkServerKey(command.command, def);
    const slot = this.forkServers.get(key);
    if (slot) {
      const server = await slot.server;
      // replaced meanwhile by a concurrent command: take that one
      if (this.forkServers.get(key) !== slot) return this.forkServer(command, def, onLog);
      if (server && !server.stopped) {
        clearTimeout(slot.idle);
        return server;
      }
      // it exited (or never started): a started one is replaced, a failed one is not retried
      if (!server) return undefined;
    }
    const started = readConsoleScript(command.command).then(async (script) => {
      if (!script) return undefined;
      const user = this.options.connectorUser;
      // as a connector run by another user has its run dir as HOME, the server has a dir of its own
      const home = user ? await createRunDir(this.options.tmpDir ?? tmpdir(), {}, user) : undefined;
      const server = await PythonForkServer.start(script, {
        ...(def.env || home ? { env: { ...def.env, ...(home ? { HOME: home.dir } : {}) } } : {}),
        ...(user ? { user } : {}),
        ...(onLog ? { onLog } : {}),
      });
      if (home) void (server ? server.ended.then(() => home.remove()) : home.remove());
      return server;
    });
    const fresh: ForkServerSlot = { server: started };
    void started.then((server) => (fresh.started = server));
    this.forkServers.set(key, fresh);
    return started;
  }

  /** Stops a fork server FORK_SERVER_IDLE_MS after its last run, unless another comes. */
  private idleWhenDone(command: string, def: ConnectorDefinition, server: PythonForkServer): void {
    const key = this.forkServerKey(command, def);
    const slot = this.forkServers.get(key);
    if (slot?.started !== server || server.activeRuns > 0) return;
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => {
      if (server.activeRuns > 0 || this.forkServers.get(key) !== slot) return;
      this.forkServers.delete(key);
      server.stop();
    }, this.options.forkServerIdleMs ?? FORK_SERVER_IDLE_MS);
    slot.idle.unref();
  }

  /** Runs a short command and returns the one message of the expected type. */
  private async runForOne<T>(
    def: ConnectorDefinition,
    args: string[],
    files: Record<string, unknown>,
    expected: AirbyteMessageType,
    options: RunOptions,
    pick: (m: AirbyteMessage) => T | undefined,
  ): Promise<LaunchResult<T>> {
    const role = options.role ?? 'source';
    const output = new OneMessageOutput(role, expected, pick, options.onLog);
    let proc: ConnectorProcess;
    try {
      // stderr and launch problems are logged by the process: through `output.log`, so they are remembered too
      proc = await this.start(def, args, files, { ...options, role, onLog: output.log });
    } catch (err) {
      if (err instanceof ConnectorLaunchError) return { ok: false, failure: err.failure };
      throw err;
    }
    // the answer is all a command gives: a Python connector would take another half second to
    // tear its interpreter down, so once the answer is in, it is stopped (and reads as ended well)
    let answered = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk);
      if (answered || !output.answered) return;
      answered = true;
      void proc.kill(ANSWERED_KILL_GRACE_MS);
    });
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void proc.kill();
    }, timeoutMs);
    const exit = await proc.exited;
    clearTimeout(timer);
    output.end();
    const command = args[0];
    return output.result(exit.code === 0 || answered, () => {
      const why = timedOut
        ? `timed out after ${timeoutMs} ms`
        : options.signal?.aborted
          ? 'was cancelled'
          : exit.signal
            ? `was killed by ${exit.signal}`
            : `exited with code ${exit.code} without a ${expected} message`;
      return { type: timedOut ? 'transient_error' : 'system_error', message: `${role} ${command} ${why}` };
    });
  }
}
