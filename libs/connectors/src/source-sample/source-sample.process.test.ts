/**
 * source-sample as a real process (the built dist/bin/source-sample.js): what the
 * platform sees. Run `npx tsc -b libs/connectors` first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessLauncher } from '@tributary/launcher';
import {
  AirbyteCatalogSchema,
  AirbyteConnectionStatusSchema,
  ConnectorSpecificationSchema,
  type AirbyteMessage,
  type AirbyteStateMessage,
} from '@tributary/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBuiltinConnector } from '../index.js';
import { configuredCatalog } from '@tributary/testing/connectors';
import { ofType, readSource } from '@tributary/testing/connectors';

const definition = { runtime: { kind: 'builtin' as const, name: 'source-sample' } };
const allStreams = ['users', 'products', 'purchases'];

function recordsOf(messages: AirbyteMessage[], stream?: string) {
  return ofType(messages, 'RECORD')
    .map((m) => m.record)
    .filter((r) => stream === undefined || r.stream === stream);
}

function statesOf(messages: AirbyteMessage[]): AirbyteStateMessage[] {
  return ofType(messages, 'STATE').map((m) => m.state);
}

/** the state a platform would pass to the next run: the last one per stream */
function lastStates(messages: AirbyteMessage[]): AirbyteStateMessage[] {
  const last = new Map<string, AirbyteStateMessage>();
  for (const state of statesOf(messages)) last.set(state.stream!.stream_descriptor.name, state);
  return [...last.values()];
}

describe('source-sample (process)', () => {
  let installDir: string;
  let launcher: ProcessLauncher;

  beforeAll(async () => {
    installDir = await mkdtemp(join(tmpdir(), 'source-sample-test-'));
    launcher = new ProcessLauncher({ installDir, resolveBuiltin: resolveBuiltinConnector });
  });
  afterAll(() => rm(installDir, { recursive: true, force: true }));

  it('answers spec with a valid specification describing its options', async () => {
    const result = await launcher.spec(definition);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const spec = ConnectorSpecificationSchema.parse(result.value);
    const properties = spec.connectionSpecification['properties'] as Record<string, { description?: string }>;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(['count', 'seed', 'streams', 'records_per_state', 'fail_after', 'sleep_ms_per_batch']),
    );
    expect(properties['fail_after']?.description).toMatch(/TRACE ERROR/);
    expect(spec.supportsIncremental).toBe(true);
  });

  it('checks a good config as SUCCEEDED and a bad one as FAILED with the reason', async () => {
    const good = await launcher.check(definition, { count: 10 });
    expect(good.ok && AirbyteConnectionStatusSchema.parse(good.value).status).toBe('SUCCEEDED');
    const bad = await launcher.check(definition, { count: -5 });
    expect(bad.ok && bad.value).toMatchObject({ status: 'FAILED', message: expect.stringContaining('count') });
  });

  it('discovers three incremental streams with primary key id and cursor updated_at', async () => {
    const result = await launcher.discover(definition, {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const catalog = AirbyteCatalogSchema.parse(result.value);
    expect(catalog.streams.map((s) => s.name)).toEqual(allStreams);
    for (const stream of catalog.streams) {
      expect(stream.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
      expect(stream.source_defined_primary_key).toEqual([['id']]);
      expect(stream.default_cursor_field).toEqual(['updated_at']);
      expect(stream.source_defined_cursor).toBe(true);
    }
    const limited = await launcher.discover(definition, { streams: ['products'] });
    expect(limited.ok && limited.value.streams.map((s) => s.name)).toEqual(['products']);
  });

  it('emits every record of every stream in full refresh, with statuses and counted checkpoints', async () => {
    const run = await readSource('source-sample', {
      config: { count: 2500, records_per_state: 1000 },
      catalog: configuredCatalog(allStreams),
    });
    expect(run.code).toBe(0);
    for (const stream of allStreams) {
      const records = recordsOf(run.messages, stream);
      expect(records.map((r) => r.data['id'])).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
      const states = statesOf(run.messages).filter((s) => s.stream?.stream_descriptor.name === stream);
      expect(states.map((s) => s.sourceStats?.recordCount)).toEqual([1000, 1000, 500]);
      expect(states.at(-1)?.stream?.stream_state).toEqual({ cursor: records.at(-1)?.data['updated_at'], offset: 2500 });
      const statuses = ofType(run.messages, 'TRACE')
        .filter((m) => m.trace.type === 'STREAM_STATUS' && m.trace.stream_status?.stream_descriptor.name === stream)
        .map((m) => m.trace.stream_status?.status);
      expect(statuses).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    }
  });

  it('produces byte-identical records for the same seed and count', async () => {
    const input = { config: { count: 3000, seed: 11 }, catalog: configuredCatalog(allStreams) };
    const [first, second] = [await readSource('source-sample', input), await readSource('source-sample', input)];
    // records differ only by emitted_at (the time of the run)
    const recordLines = (stdout: string) =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{"type":"RECORD"'))
        .map((l) => l.replace(/"emitted_at":\d+/, ''))
        .join('\n');
    expect(recordLines(first!.stdout)).toBe(recordLines(second!.stdout));
    expect(recordLines(first!.stdout).length).toBeGreaterThan(3 * 3000 * 200);
    const otherSeed = await readSource('source-sample', { ...input, config: { count: 3000, seed: 12 } });
    expect(recordLines(otherSeed.stdout)).not.toBe(recordLines(first!.stdout));
  });

  it('continues an incremental sync from its state and emits only the new records', async () => {
    const catalog = configuredCatalog(['users', 'purchases'], { syncMode: 'incremental' });
    const first = await readSource('source-sample', { config: { count: 30, records_per_state: 7 }, catalog });
    expect(recordsOf(first.messages, 'users')).toHaveLength(30);

    // nothing new: no records, but a state so the destination still acknowledges something
    const unchanged = await readSource('source-sample', { config: { count: 30 }, catalog, state: lastStates(first.messages) });
    expect(recordsOf(unchanged.messages)).toHaveLength(0);
    expect(statesOf(unchanged.messages).map((s) => s.stream?.stream_state)).toEqual([
      { cursor: '2024-01-01T00:00:29Z', offset: 30 },
      { cursor: '2024-01-01T00:00:29Z', offset: 30 },
    ]);

    // the source grew: the next run picks up exactly the 20 new records per stream
    const grown = await readSource('source-sample', { config: { count: 50 }, catalog, state: lastStates(unchanged.messages) });
    for (const stream of ['users', 'purchases']) {
      const records = recordsOf(grown.messages, stream);
      expect(records.map((r) => r.data['id'])).toEqual(Array.from({ length: 20 }, (_, i) => 31 + i));
      const cursor = statesOf(first.messages).at(-1)?.stream?.stream_state as { cursor: string };
      for (const r of records) expect(String(r.data['updated_at']) > cursor.cursor).toBe(true);
    }
    // and those records are the same ones a single run of 50 would have produced
    const single = await readSource('source-sample', { config: { count: 50 }, catalog });
    expect(recordsOf(grown.messages, 'users').map((r) => r.data)).toEqual(
      recordsOf(single.messages, 'users')
        .slice(30)
        .map((r) => r.data),
    );
  });

  it('ignores state in full refresh and starts over', async () => {
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { offset: 8 } } }];
    const run = await readSource('source-sample', { config: { count: 10 }, catalog: configuredCatalog(['users']), state });
    expect(recordsOf(run.messages)).toHaveLength(10);
  });

  it('fails on purpose after fail_after records with a TRACE ERROR and exit code 1, keeping earlier checkpoints', async () => {
    const run = await readSource('source-sample', {
      config: { count: 100, records_per_state: 10, fail_after: 25 },
      catalog: configuredCatalog(allStreams),
    });
    expect(run.code).toBe(1);
    expect(recordsOf(run.messages)).toHaveLength(25);
    expect(statesOf(run.messages).map((s) => s.stream?.stream_state)).toEqual([
      { cursor: '2024-01-01T00:00:09Z', offset: 10 },
      { cursor: '2024-01-01T00:00:19Z', offset: 20 },
    ]);
    const last = run.messages.at(-1);
    expect(last?.type === 'TRACE' && last.trace.type === 'ERROR' && last.trace.error?.message).toMatch(/fail_after/);
    const statuses = ofType(run.messages, 'TRACE').flatMap((m) => (m.trace.stream_status ? [m.trace.stream_status.status] : []));
    expect(statuses.at(-1)).toBe('INCOMPLETE');
  });

  it('rejects a catalog stream it does not offer as a config error', async () => {
    const run = await readSource('source-sample', { config: { streams: ['users'] }, catalog: configuredCatalog(['products']) });
    expect(run.code).toBe(1);
    const error = ofType(run.messages, 'TRACE')[0]?.trace.error;
    expect(error).toMatchObject({ failure_type: 'config_error', message: expect.stringContaining('products') });
  });

  it('puts the configured namespace on records and states', async () => {
    const run = await readSource('source-sample', {
      config: { count: 3 },
      catalog: configuredCatalog([{ name: 'users', namespace: 'shop' }]),
    });
    expect(recordsOf(run.messages).every((r) => r.namespace === 'shop')).toBe(true);
    expect(statesOf(run.messages)[0]?.stream?.stream_descriptor).toEqual({ name: 'users', namespace: 'shop' });
  });

  it('slows down with sleep_ms_per_batch and can be cancelled while running', async () => {
    const controller = new AbortController();
    const proc = await launcher.read(
      definition,
      { config: { count: 1_000_000, records_per_batch: 10, sleep_ms_per_batch: 50 }, catalog: configuredCatalog(['users']) },
      { signal: controller.signal },
    );
    let bytes = 0;
    proc.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    // wait for output rather than a fixed time: start-up is slow on a loaded machine
    const deadline = Date.now() + 20_000;
    while (bytes <= 1000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    controller.abort();
    const exit = await proc.exited;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(exit.signal ?? exit.code).toBeTruthy();
    // ~10 records per 50 ms: some output, far from the whole stream
    expect(bytes).toBeGreaterThan(1000);
    expect(bytes).toBeLessThan(1_000_000);
  });
});
