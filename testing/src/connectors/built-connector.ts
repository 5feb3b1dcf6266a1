/**
 * Test helpers: run a built connector (dist/bin/<name>.js, so `tsc -b libs/connectors`
 * first) as a real process with its input files in a temp dir, and read its output.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLine, type AirbyteMessage, type AirbyteMessageOf, type AirbyteMessageType, type AirbyteStateMessage } from '@tributary/protocol';
import { resolveBuiltinConnector, type BuiltinConnectorName } from '@tributary/connectors';

export interface ConnectorRun {
  stdout: string;
  stderr: string;
  code: number | null;
  messages: AirbyteMessage[];
}

export async function makeTempDir(prefix = 'tributary-connectors-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes `files` as JSON into `dir` and maps `--flag name` arguments to their paths. */
export async function writeInputFiles(dir: string, files: Record<string, unknown>): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const [name, value] of Object.entries(files)) {
    paths[name] = join(dir, name);
    await writeFile(paths[name], JSON.stringify(value));
  }
  return paths;
}

export function spawnBuiltin(name: BuiltinConnectorName, args: string[]): ChildProcessWithoutNullStreams {
  const resolved = resolveBuiltinConnector(name);
  if (!resolved) throw new Error(`unknown builtin connector ${name}`);
  return spawn(resolved.command, [...resolved.args, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Every stdout line as a protocol message; throws on a line that is not one. */
export function parseMessages(stdout: string): AirbyteMessage[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const decoded = decodeLine(line);
      if (decoded.kind !== 'message') throw new Error(`not a protocol message (${decoded.kind}): ${line.slice(0, 300)}`);
      return decoded.message;
    });
}

/**
 * The STATE messages a running destination echoes, as they come: `acks` so far, and
 * `nextAck(n)`, which resolves once n have come (ask for it before sending what makes them).
 */
export function stateAcks(child: ChildProcessWithoutNullStreams): { acks: AirbyteStateMessage[]; nextAck: (n: number) => Promise<void> } {
  const acks: AirbyteStateMessage[] = [];
  let waiting: (() => void) | undefined;
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    text = text.slice(complete.length);
    for (const m of parseMessages(complete)) if (m.type === 'STATE') acks.push(m.state);
    waiting?.();
  });
  const nextAck = (n: number) => new Promise<void>((resolve) => (waiting = () => acks.length >= n && resolve()));
  return { acks, nextAck };
}

export function ofType<T extends AirbyteMessageType>(messages: readonly AirbyteMessage[], type: T): AirbyteMessageOf<T>[] {
  return messages.filter((m): m is AirbyteMessageOf<T> => m.type === type);
}

/** Runs `<name> <args>` to completion, feeding `stdin` (then closing it). */
export async function runBuiltin(name: BuiltinConnectorName, args: string[], stdin?: string | Buffer): Promise<ConnectorRun> {
  const child = spawnBuiltin(name, args);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  const out = Buffer.concat(stdout).toString('utf8');
  return { stdout: out, stderr: Buffer.concat(stderr).toString('utf8'), code, messages: parseMessages(out) };
}

/** `read` of a source with config/catalog(/state) files in a fresh temp dir */
export async function readSource(
  name: BuiltinConnectorName,
  input: { config: unknown; catalog: unknown; state?: unknown },
): Promise<ConnectorRun> {
  const dir = await makeTempDir();
  try {
    const files = await writeInputFiles(dir.path, {
      'config.json': input.config,
      'catalog.json': input.catalog,
      ...(input.state !== undefined ? { 'state.json': input.state } : {}),
    });
    const args = ['read', '--config', files['config.json']!, '--catalog', files['catalog.json']!];
    if (files['state.json']) args.push('--state', files['state.json']);
    return await runBuiltin(name, args);
  } finally {
    await dir.remove();
  }
}

/** `write` of a destination fed `stdin` */
export async function writeDestination(
  name: BuiltinConnectorName,
  input: { config: unknown; catalog: unknown },
  stdin: string | Buffer,
): Promise<ConnectorRun> {
  const dir = await makeTempDir();
  try {
    const files = await writeInputFiles(dir.path, { 'config.json': input.config, 'catalog.json': input.catalog });
    return await runBuiltin(name, ['write', '--config', files['config.json']!, '--catalog', files['catalog.json']!], stdin);
  } finally {
    await dir.remove();
  }
}
