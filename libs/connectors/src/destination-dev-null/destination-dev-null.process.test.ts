/** destination-dev-null as a real process. Run `npx tsc -b libs/connectors` first. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessLauncher } from '@tributary/launcher';
import { ConnectorSpecificationSchema, type AirbyteStateMessage } from '@tributary/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBuiltinConnector } from '../index.js';
import { configuredCatalog } from '@tributary/testing/connectors';
import { makeTempDir, ofType, parseMessages, readSource, writeDestination, writeInputFiles } from '@tributary/testing/connectors';

const catalog = configuredCatalog(['users', 'products', 'purchases']);

const record = (stream: string, id: number) => JSON.stringify({ type: 'RECORD', record: { stream, data: { id }, emitted_at: 1 } });
const streamState = (stream: string, offset: number) =>
  JSON.stringify({
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { offset } }, sourceStats: { recordCount: 99 } },
  });

describe('destination-dev-null (process)', () => {
  let installDir: string;
  beforeAll(async () => {
    installDir = await mkdtemp(join(tmpdir(), 'dev-null-test-'));
  });
  afterAll(() => rm(installDir, { recursive: true, force: true }));

  it('has a valid spec and always passes check', async () => {
    const launcher = new ProcessLauncher({ installDir, resolveBuiltin: resolveBuiltinConnector });
    const def = { runtime: { kind: 'builtin' as const, name: 'destination-dev-null' } };
    const spec = await launcher.spec(def);
    expect(spec.ok && ConnectorSpecificationSchema.parse(spec.value).supported_destination_sync_modes).toContain('append');
    const check = await launcher.check(def, {}, { role: 'destination' });
    expect(check.ok && check.value.status).toBe('SUCCEEDED');
  });

  it('echoes every state with the records of its stream received since that stream’s previous state', async () => {
    const input = [
      record('users', 1),
      record('products', 1),
      record('users', 2),
      streamState('users', 2),
      record('products', 2),
      record('products', 3),
      streamState('products', 3),
      streamState('users', 2),
      JSON.stringify({ type: 'RECORD', record: { namespace: 'shop', stream: 'users', data: {}, emitted_at: 1 } }),
      JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'users', namespace: 'shop' } } } }),
      // python spacing and key order other than ours
      '{"type": "RECORD", "record": {"stream": "users", "data": {"id": 3}, "emitted_at": 1}}',
      JSON.stringify({ type: 'RECORD', record: { data: { id: 4 }, emitted_at: 1, stream: 'users' } }),
      JSON.stringify({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: {}, stream_states: [] } } }),
    ].join('\n');
    const run = await writeDestination('destination-dev-null', { config: {}, catalog }, input + '\n');
    expect(run.code).toBe(0);
    const acks = ofType(run.messages, 'STATE').map((m) => m.state);
    expect(acks.map((s) => [s.stream?.stream_descriptor ?? s.type, s.destinationStats?.recordCount])).toEqual([
      [{ name: 'users' }, 2],
      [{ name: 'products' }, 3],
      [{ name: 'users' }, 0],
      [{ name: 'users', namespace: 'shop' }, 1],
      ['GLOBAL', 8],
    ]);
    // the echo is the state itself, source stats included
    expect(acks[0]).toMatchObject({ stream: { stream_state: { offset: 2 } }, sourceStats: { recordCount: 99 } });
    const log = ofType(run.messages, 'LOG').at(-1)?.log.message;
    expect(log).toContain('received 8 record(s)');
    expect(log).toContain('users=4');
  });

  it('acknowledges every state of a real source with matching counts', async () => {
    const source = await readSource('source-sample', { config: { count: 3500, records_per_state: 1000 }, catalog });
    const run = await writeDestination('destination-dev-null', { config: {}, catalog }, source.stdout);
    const sent = ofType(source.messages, 'STATE').map((m) => m.state);
    const acked = ofType(run.messages, 'STATE').map((m) => m.state);
    expect(acked).toHaveLength(sent.length);
    expect(acked.map((s) => s.destinationStats?.recordCount)).toEqual(sent.map((s) => s.sourceStats?.recordCount));
    expect(acked.map((s) => s.stream?.stream_state)).toEqual(sent.map((s) => s.stream?.stream_state));
  });

  it('acknowledges a state while its input is still open (the platform commits on it)', async () => {
    const dir = await makeTempDir();
    try {
      const files = await writeInputFiles(dir.path, { 'config.json': {}, 'catalog.json': catalog });
      const resolved = resolveBuiltinConnector('destination-dev-null')!;
      const child = spawn(resolved.command, [
        ...resolved.args,
        'write',
        '--config',
        files['config.json']!,
        '--catalog',
        files['catalog.json']!,
      ]);
      const firstAck = new Promise<AirbyteStateMessage>((resolve) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const state = parseMessages(text.slice(0, text.lastIndexOf('\n') + 1)).find((m) => m.type === 'STATE');
          if (state?.type === 'STATE') resolve(state.state);
        });
      });
      child.stdin.write(`${record('users', 1)}\n${streamState('users', 1)}\n`);
      const ack = await firstAck;
      expect(ack.destinationStats?.recordCount).toBe(1);
      child.stdin.end();
      await new Promise((resolve) => child.once('close', resolve));
    } finally {
      await dir.remove();
    }
  });

  it('warns about garbage lines and keeps going', async () => {
    const input = [
      'not json at all',
      '{"broken json',
      '{"type":"NOPE"}',
      '[1,2]',
      record('users', 1),
      '\u0000\u0001binary',
      streamState('users', 1),
    ].join('\n');
    const run = await writeDestination('destination-dev-null', { config: {}, catalog }, input);
    expect(run.code).toBe(0);
    const warnings = ofType(run.messages, 'LOG').filter((m) => m.log.level === 'WARN');
    expect(warnings.length).toBeGreaterThanOrEqual(5);
    expect(warnings.at(-1)?.log.message).toContain('ignored 5 unusable input line(s)');
    expect(ofType(run.messages, 'STATE')[0]?.state.destinationStats?.recordCount).toBe(1);
  });
});
