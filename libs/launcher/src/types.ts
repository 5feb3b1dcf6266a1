/**
 * The contract between the platform and a connector, independent of where the
 * connector runs (a local process here; a Kubernetes pod in KubernetesLauncher).
 */
import type { Readable, Writable } from 'node:stream';
import type { AirbyteCatalog, AirbyteConnectionStatus, ConfiguredAirbyteCatalog, ConnectorSpecification } from '@tributary/protocol';
import type { ConnectorRole, FailureReason, LogSink, ResourceRequirements } from '@tributary/domain';

/** How to run a connector as a local process. */
export type ConnectorRuntime =
  /** a Python package from PyPI, installed once into its own virtualenv */
  | { kind: 'pypi'; package: string; version: string; /** console script; default: the package name */ entrypoint?: string }
  /** an npm package, installed once into its own prefix */
  | { kind: 'npm'; package: string; version: string; /** bin name; default: the package's only bin */ bin?: string }
  /** a first-party connector from libs/connectors, e.g. `source-sample` */
  | { kind: 'builtin'; name: string }
  /** any executable */
  | { kind: 'command'; command: string; args?: string[] };

export interface ConnectorDefinition {
  runtime: ConnectorRuntime;
  /** repository:tag, for the Kubernetes launcher */
  image?: string;
  /** extra environment for the connector process (never database credentials) */
  env?: Record<string, string>;
  /** the definition's own resource requirements for its pods (a connection's come first) */
  resources?: ResourceRequirements;
}

export interface RunOptions {
  /** who the connector is, for log origins and failure reasons; default: source */
  role?: ConnectorRole;
  onLog?: LogSink;
  signal?: AbortSignal;
  /** for spec/check/discover; default 5 minutes (read/write run until done or killed) */
  timeoutMs?: number;
  /**
   * read/write: have the connector's stdout read straight into the caller's buffers (no
   * allocation per read). A launcher may not support it: ConnectorProcess.stdoutReaderAttached
   * says whether it was used.
   */
  stdoutReader?: StdoutReader;
  /** the job this run belongs to, for the labels of its pod (Kubernetes launcher); default: the pod's own name */
  job?: { id: string; attempt: number };
}

/**
 * Takes a connector's stdout in the caller's own buffers (net.Socket's `onread`). buffer() is
 * asked for where the next read goes (once at the start and after every onRead); onRead(n)
 * says n bytes were read into the start of the buffer last returned. Returning false pauses
 * stdout until its resume() is called.
 */
export interface StdoutReader {
  buffer: () => Uint8Array;
  onRead: (bytes: number) => boolean;
}

export type LaunchResult<T> = { ok: true; value: T } | { ok: false; failure: FailureReason };

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A connector running `read` or `write`. */
export interface ConnectorProcess {
  readonly role: ConnectorRole;
  /**
   * raw protocol output (JSON lines). With stdoutReaderAttached its bytes go to the
   * RunOptions.stdoutReader instead of 'data' events; 'end', 'error', 'close', pause() and
   * resume() work as usual.
   */
  readonly stdout: Readable;
  readonly stdoutReaderAttached?: boolean;
  /** protocol input: only used by destinations */
  readonly stdin: Writable;
  /** resolves when the process has exited and its temp files are removed */
  readonly exited: Promise<ProcessExit>;
  /** SIGTERM to the whole process group, SIGKILL after graceMs; resolves on exit */
  kill(graceMs?: number): Promise<ProcessExit>;
}

export interface ReadInput {
  config: Record<string, unknown>;
  catalog: ConfiguredAirbyteCatalog;
  /** state messages (per-stream or global) or a legacy blob; omitted on a first sync */
  state?: unknown;
}

export interface WriteInput {
  config: Record<string, unknown>;
  catalog: ConfiguredAirbyteCatalog;
}

/** Thrown by read/write when the connector cannot even start. */
export class ConnectorLaunchError extends Error {
  constructor(readonly failure: FailureReason) {
    super(failure.message);
    this.name = 'ConnectorLaunchError';
  }
}

export interface ConnectorLauncher {
  spec(def: ConnectorDefinition, options?: RunOptions): Promise<LaunchResult<ConnectorSpecification>>;
  check(def: ConnectorDefinition, config: Record<string, unknown>, options?: RunOptions): Promise<LaunchResult<AirbyteConnectionStatus>>;
  discover(def: ConnectorDefinition, config: Record<string, unknown>, options?: RunOptions): Promise<LaunchResult<AirbyteCatalog>>;
  read(def: ConnectorDefinition, input: ReadInput, options?: RunOptions): Promise<ConnectorProcess>;
  write(def: ConnectorDefinition, input: WriteInput, options?: RunOptions): Promise<ConnectorProcess>;
}
