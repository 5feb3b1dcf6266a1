/**
 * Test support: runs a built connector as a real child process, the way the platform
 * does (config and catalog in files, protocol lines on stdin), and collects what it
 * prints. Used by this folder's integration tests; imports nothing test-only.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter, decodeLine, type AirbyteMessage } from '@tributary/protocol';

/** A connector process the test talks to while it runs. */
export interface LiveConnectorRun {
  /** every protocol message printed so far */
  readonly messages: AirbyteMessage[];
  /** stderr, for failure messages */
  readonly stderr: () => string;
  /** writes lines (newline added) with backpressure */
  send(lines: readonly string[]): Promise<void>;
  /** closes stdin and waits for the exit */
  finish(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** resolves with the first message (already seen or future) matching `predicate` */
  waitFor(predicate: (m: AirbyteMessage) => boolean, timeoutMs?: number): Promise<AirbyteMessage>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}


/** Starts `node <entry> <command> --config f [--catalog f]`. */
export async function startConnector(entry: string, command: string, files: { config: unknown; catalog?: unknown }): Promise<LiveConnectorRun> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npx tsc -b libs/connectors)`);
  const dir = await mkdtemp(join(tmpdir(), 'tributary-connector-test-'));
  const args = [entry, command, '--config', join(dir, 'config.json')];
  await writeFile(join(dir, 'config.json'), JSON.stringify(files.config), { mode: 0o600 });
  if (files.catalog !== undefined) {
    await writeFile(join(dir, 'catalog.json'), JSON.stringify(files.catalog));
    args.push('--catalog', join(dir, 'catalog.json'));
  }
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: AirbyteMessage[] = [];
  const waiters: { predicate: (m: AirbyteMessage) => boolean; resolve: (m: AirbyteMessage) => void }[] = [];
  let stderr = '';
  const splitter = new LineSplitter((line) => {
    const decoded = decodeLine(line);
    if (decoded.kind !== 'message') return;
    messages.push(decoded.message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(decoded.message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(decoded.message);
      }
    }
  });
  child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => undefined); // the connector may exit before reading everything
  const exited = once(child, 'close').then(async ([code, signal]) => {
    splitter.end();
    await rm(dir, { recursive: true, force: true });
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });

  return {
    messages,
    stderr: () => stderr,
    exited,
    async send(lines) {
      const text = lines.map((l) => `${l}\n`).join('');
      if (!child.stdin.write(text)) await Promise.race([once(child.stdin, 'drain'), exited]);
    },
    async finish() {
      child.stdin.end();
      return exited;
    },
    waitFor(predicate, timeoutMs = 30_000) {
      const seen = messages.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching message within ${timeoutMs} ms; got: ${messages.map((m) => m.type).join(',')}; stderr: ${stderr}`),
            ),
          timeoutMs,
        );
        const waiter = {
          predicate,
          resolve: (m: AirbyteMessage) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(
            new Error(`connector exited without a matching message; got: ${JSON.stringify(messages).slice(0, 2000)}; stderr: ${stderr}`),
          );
        });
      });
    },
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      await exited;
    },
  };
}

/** Runs a command to completion with no stdin (spec, check) and returns its messages. */
export async function runConnectorCommand(
  entry: string,
  command: string,
  config: unknown,
): Promise<{ code: number | null; messages: AirbyteMessage[] }> {
  const run = await startConnector(entry, command, { config });
  const { code } = await run.finish();
  return { code, messages: run.messages };
}

export const recordLine = (stream: string, data: Record<string, unknown>, namespace?: string, emittedAt = Date.now()): string =>
  JSON.stringify({ type: 'RECORD', record: { ...(namespace ? { namespace } : {}), stream, data, emitted_at: emittedAt } });

export const streamStateLine = (stream: string, state: unknown, namespace?: string): string =>
  JSON.stringify({
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: { name: stream, ...(namespace ? { namespace } : {}) }, stream_state: state } },
  });

export const globalStateLine = (shared: unknown): string =>
  JSON.stringify({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: shared, stream_states: [] } } });

export const streamStatusLine = (stream: string, status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE', namespace?: string): string =>
  JSON.stringify({
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: Date.now(),
      stream_status: { stream_descriptor: { name: stream, ...(namespace ? { namespace } : {}) }, status },
    },
  });

/** Sends `lines`, closes stdin and waits for the exit. */
export async function runToEnd(run: LiveConnectorRun, lines: readonly string[]): Promise<{ code: number | null; messages: AirbyteMessage[] }> {
  await run.send(lines);
  const { code } = await run.finish();
  return { code, messages: run.messages };
}

export interface StreamOptions {
  mode?: 'append' | 'append_dedup' | 'overwrite';
  namespace?: string;
  primaryKey?: string[][];
  cursor?: string[];
  generationId?: number;
  minimumGenerationId?: number;
  syncId?: number;
}

/** A configured stream with the given top-level JSON schema properties. */
export function configuredStream(name: string, properties: Record<string, unknown>, options: StreamOptions = {}): Record<string, unknown> {
  const mode = options.mode ?? 'append';
  return {
    stream: {
      name,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      json_schema: { type: 'object', properties },
      supported_sync_modes: ['full_refresh', 'incremental'],
    },
    sync_mode: mode === 'overwrite' ? 'full_refresh' : 'incremental',
    destination_sync_mode: mode,
    ...(options.primaryKey ? { primary_key: options.primaryKey } : {}),
    ...(options.cursor ? { cursor_field: options.cursor } : {}),
    generation_id: options.generationId ?? 1,
    minimum_generation_id: options.minimumGenerationId ?? 0,
    sync_id: options.syncId ?? 1,
  };
}

export const catalogOf = (...streams: Record<string, unknown>[]) => ({ streams });
