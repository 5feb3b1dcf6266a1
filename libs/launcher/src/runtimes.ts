/**
 * Resolving a connector runtime to a command line, installing it first when needed.
 * pypi and npm runtimes are installed once per package@version under `installDir`.
 */
import type { LogSink } from '@tributary/domain';
import { resolveNpmRuntime } from './npm-runtime.js';
import { resolvePypiRuntime } from './pypi-runtime.js';
import type { ConnectorRuntime } from './types.js';

export interface InstallOptions {
  /** where pypi virtualenvs and npm prefixes live, e.g. <data dir>/connectors */
  installDir: string;
  /** maps a builtin connector name to its command line (libs/connectors provides it) */
  resolveBuiltin?: (name: string) => { command: string; args: string[] } | undefined;
  /** python interpreter used to create virtualenvs; default python3 */
  python?: string;
  /** npm executable used to install npm connectors; default npm */
  npm?: string;
  /**
   * false: refuse `command` runtimes, which run any executable (the worker passes the operator's
   * TRIBUTARY_ALLOW_COMMAND_CONNECTORS). Default true: the CLI and tests run commands on purpose
   */
  allowCommands?: boolean;
}

/** A `command` runtime where the operator has not allowed them: the definition is at fault, not the moment. */
export class CommandsNotAllowedError extends Error {
  constructor() {
    super('command connectors are off on this instance: the operator allows them with TRIBUTARY_ALLOW_COMMAND_CONNECTORS=true');
    this.name = 'CommandsNotAllowedError';
  }
}

export async function resolveRuntime(
  runtime: ConnectorRuntime,
  options: InstallOptions,
  onLog?: LogSink,
): Promise<{ command: string; args: string[] }> {
  switch (runtime.kind) {
    case 'command':
      if (options.allowCommands === false) throw new CommandsNotAllowedError();
      return { command: runtime.command, args: runtime.args ?? [] };
    case 'builtin': {
      const resolved = options.resolveBuiltin?.(runtime.name);
      if (!resolved) throw new Error(`unknown builtin connector "${runtime.name}"`);
      return resolved;
    }
    case 'pypi':
      return resolvePypiRuntime(runtime, options, onLog);
    case 'npm':
      return resolveNpmRuntime(runtime, options, onLog);
  }
}
