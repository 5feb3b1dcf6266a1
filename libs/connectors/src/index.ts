/**
 * First-party connectors. Each has an entrypoint in src/bin/<name>.ts, compiled to
 * dist/bin/<name>.js; the launcher runs that file with the current Node binary.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILTIN_CONNECTORS = ['source-sample', 'destination-postgres', 'destination-jsonl', 'destination-dev-null'] as const;
export type BuiltinConnectorName = (typeof BUILTIN_CONNECTORS)[number];

// this file is src/index.ts (tests) or dist/index.js (built): the package root is one up
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function builtinEntrypoint(name: string): string | undefined {
  if (!(BUILTIN_CONNECTORS as readonly string[]).includes(name)) return undefined;
  return join(packageRoot, 'dist', 'bin', `${name}.js`);
}

/** The command line for a builtin connector, for ProcessLauncher's `resolveBuiltin`. */
export function resolveBuiltinConnector(name: string): { command: string; args: string[] } | undefined {
  const entry = builtinEntrypoint(name);
  if (!entry) return undefined;
  if (!existsSync(entry)) throw new Error(`builtin connector ${name} is not built (${entry} missing): run npm run build`);
  return { command: process.execPath, args: [entry] };
}
