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
}

export async function resolveRuntime(
  runtime: ConnectorRuntime,
  options: InstallOptions,
  onLog?: LogSink,
): Promise<{ command: string; args: string[] }> {
  switch (runtime.kind) {
    case 'command':
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
