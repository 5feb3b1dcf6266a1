/**
 * First-party connectors. Each has an entrypoint in src/bin/<name>.ts, compiled to
 * dist/bin/<name>.js and bundled into dist/bundle/<name>.mjs (bundle-connectors.ts); the
 * launcher runs one of them with the current Node binary.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILTIN_CONNECTORS = ['source-sample', 'destination-postgres', 'destination-jsonl', 'destination-dev-null'] as const;
export type BuiltinConnectorName = (typeof BUILTIN_CONNECTORS)[number];

// this file is src/index.ts (tests) or dist/index.js (built): the package root is one up
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const isBuiltin = (name: string): name is BuiltinConnectorName => (BUILTIN_CONNECTORS as readonly string[]).includes(name);

/** dist/bin/<name>.js, as tsc writes it. */
export function compiledEntrypoint(name: BuiltinConnectorName, root = packageRoot): string {
  return join(root, 'dist', 'bin', `${name}.js`);
}

/** Where a connector's bundle and the list of the files it was made from go. */
export function bundleFiles(name: BuiltinConnectorName, root = packageRoot): { bundle: string; inputs: string } {
  return { bundle: join(root, 'dist', 'bundle', `${name}.mjs`), inputs: join(root, 'dist', 'bundle', `${name}.inputs.json`) };
}

const modifiedMs = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/**
 * The bundle when it is at least as new as every file it was made from: after a `tsc -b`
 * without the bundle step (or a changed dependency) it is stale and the compiled entrypoint
 * runs instead, so what runs is always the code last built. A few hundred stat calls: ~1 ms.
 */
export function freshBundle(name: BuiltinConnectorName, root = packageRoot): string | undefined {
  const { bundle, inputs } = bundleFiles(name, root);
  const bundled = modifiedMs(bundle);
  if (bundled === undefined) return undefined;
  let files: unknown;
  try {
    files = JSON.parse(readFileSync(inputs, 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(files) || files.length === 0) return undefined;
  for (const file of files) {
    const modified = typeof file === 'string' ? modifiedMs(file) : undefined;
    if (modified === undefined || modified > bundled) return undefined;
  }
  return bundle;
}

/** The file to run for a builtin connector: its fresh bundle, else the compiled entrypoint. */
export function builtinEntrypoint(name: string): string | undefined {
  if (!isBuiltin(name)) return undefined;
  return freshBundle(name) ?? compiledEntrypoint(name);
}

/** The command line for a builtin connector, for ProcessLauncher's `resolveBuiltin`. */
export function resolveBuiltinConnector(name: string): { command: string; args: string[] } | undefined {
  const entry = builtinEntrypoint(name);
  if (!entry) return undefined;
  if (!existsSync(entry)) throw new Error(`builtin connector ${name} is not built (${entry} missing): run npm run build`);
  return { command: process.execPath, args: [entry] };
}
