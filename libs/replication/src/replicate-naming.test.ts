import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { Workspace, catalogOf, runEngineChild, expectSourceHeldBack } from '@tributary/testing/replication';
import type { DestinationNaming } from './types.js';

const BURST_BYTES = 8 * 1024 * 1024;

// The connection's namespace definition and prefix: the source keeps its names, the
// destination (a real fixture process, strict about its catalog) sees only the mapped ones.

let ws: Workspace;
beforeEach(async () => {
  ws = await Workspace.create();
});
afterEach(async () => {
  await ws.dispose();
});

const rawPrefixed: DestinationNaming = { namespace: { format: '${SOURCE_NAMESPACE}_raw' }, prefix: 'p_' };

/** the destination config that records what it gets, and crashes on a stream outside its catalog */
const strictDestination = () => ({
  outFile: ws.path('out.jsonl'),
  messagesFile: ws.path('messages.jsonl'),
  catalogFile: ws.path('catalog.json'),
  summaryFile: ws.path('summary.json'),
  strictCatalog: true,
});

const destinationCatalog = () => JSON.parse(readFileSync(ws.path('catalog.json'), 'utf8')) as ConfiguredAirbyteCatalog;
const destinationMessages = (): AirbyteMessage[] =>
  readFileSync(ws.path('messages.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AirbyteMessage);
const descriptorsOf = (messages: AirbyteMessage[], type: 'STATE' | 'TRACE') =>
  new Set(
    messages
      .filter((m) => m.type === type)
      .flatMap((m) =>
        m.type === 'STATE'
          ? m.state.type === 'GLOBAL'
            ? m.state.global!.stream_states.map((s) => s.stream_descriptor)
            : [m.state.stream!.stream_descriptor]
          : m.type === 'TRACE'
            ? [m.trace.stream_status!.stream_descriptor]
            : [],
      )
      .map((d) => JSON.stringify([d.namespace ?? null, d.name])),
  );
const key = (name: string, namespace?: string) => JSON.stringify([namespace ?? null, name]);

const streamState = (name: string, namespace: string | undefined, cursor: number): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name, ...(namespace ? { namespace } : {}) }, stream_state: { cursor } },
});

const shopStreams = [
  { name: 'users', namespace: 'shop', records: 120 },
  { name: 'orders', namespace: 'shop', records: 45 },
  { name: 'events', records: 30 },
];
const shopCatalog = catalogOf({ name: 'users', namespace: 'shop' }, { name: 'orders', namespace: 'shop' }, { name: 'events' });

describe('replicate: destination naming', () => {
  // compact: namespace before data (our SDK, Jackson); spaced and namespace-after-data: Python's
  // CDK (namespace last, cut from the end); record-first: the full-parse path
  it.each(['compact', 'spaced', 'namespace-after-data', 'record-first'])(
    'writes records, states and statuses under the custom format and prefix, and commits source names (%s records)',
    async (format) => {
      const first = await ws.run({ streams: shopStreams, stateEvery: 25, interleave: true, format }, strictDestination(), shopCatalog, {
        destinationNaming: rawPrefixed,
      });
      expect(first.result.failures).toEqual([]);
      expect(first.result.status).toBe('succeeded');

      // the destination's catalog, records, states and statuses: mapped names only
      expect(destinationCatalog().streams.map((s) => [s.stream.namespace, s.stream.name])).toEqual([
        ['shop_raw', 'p_users'],
        ['shop_raw', 'p_orders'],
        ['_raw', 'p_events'],
      ]);
      const records = await ws.outRecords();
      expect(records).toHaveLength(195);
      const perStream = new Map<string, number[]>();
      for (const r of records) perStream.set(key(r.stream, r.namespace), [...(perStream.get(key(r.stream, r.namespace)) ?? []), r.data.id]);
      expect([...perStream.keys()].sort()).toEqual([key('p_events', '_raw'), key('p_orders', 'shop_raw'), key('p_users', 'shop_raw')]);
      expect(perStream.get(key('p_users', 'shop_raw'))).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      const messages = destinationMessages();
      const mapped = new Set([key('p_users', 'shop_raw'), key('p_orders', 'shop_raw'), key('p_events', '_raw')]);
      expect(descriptorsOf(messages, 'STATE')).toEqual(mapped);
      expect(descriptorsOf(messages, 'TRACE')).toEqual(mapped);
      expect(JSON.parse(readFileSync(ws.path('summary.json'), 'utf8'))).toMatchObject({
        statuses: { p_users: 'COMPLETE', p_orders: 'COMPLETE', p_events: 'COMPLETE' },
      });

      // what the engine reports: source names
      expect(first.result.state).toEqual([
        streamState('users', 'shop', 120),
        streamState('orders', 'shop', 45),
        streamState('events', undefined, 30),
      ]);
      expect(first.commits.every((c) => c.state.every((s) => !s.stream!.stream_descriptor.name.startsWith('p_')))).toBe(true);
      expect(first.result.streamStats.map((s) => [s.namespace, s.name, s.recordsEmitted, s.recordsCommitted])).toEqual([
        ['shop', 'users', 120, 120],
        ['shop', 'orders', 45, 45],
        [undefined, 'events', 30, 30],
      ]);
      expect(first.result.totals.stateMessagesCommitted).toBe(first.result.totals.stateMessagesEmitted);

      // the next run hands the source its own names and resumes after the last committed ids
      const more = shopStreams.map((s) => ({ ...s, records: s.records + 10 }));
      const second = await ws.run({ streams: more, stateEvery: 25, format }, strictDestination(), shopCatalog, {
        destinationNaming: rawPrefixed,
        state: first.result.state,
      });
      expect(second.result.status).toBe('succeeded');
      expect(second.result.streamStats.map((s) => s.recordsEmitted)).toEqual([10, 10, 10]);
      expect(second.result.state).toEqual([
        streamState('users', 'shop', 130),
        streamState('orders', 'shop', 55),
        streamState('events', undefined, 40),
      ]);
      const stored = await ws.outRecords();
      expect(stored.filter((r) => r.stream === 'p_users').map((r) => r.data.id)).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
    },
  );

  it("strips the namespace with the 'destination' definition, GLOBAL state included", async () => {
    const { result } = await ws.run(
      { streams: shopStreams.slice(0, 2), stateEvery: 20, stateType: 'GLOBAL', interleave: true, format: 'namespace-after-data' },
      strictDestination(),
      catalogOf({ name: 'users', namespace: 'shop' }, { name: 'orders', namespace: 'shop' }),
      { destinationNaming: { namespace: 'destination' } },
    );
    expect(result.failures).toEqual([]);
    expect(destinationCatalog().streams.map((s) => s.stream)).toEqual([
      expect.not.objectContaining({ namespace: expect.anything() }),
      expect.not.objectContaining({ namespace: expect.anything() }),
    ]);
    const lines = await ws.outLines();
    expect(lines).toHaveLength(165);
    expect(lines.every((l) => !l.includes('"namespace"'))).toBe(true);
    expect(descriptorsOf(destinationMessages(), 'STATE')).toEqual(new Set([key('users'), key('orders')]));
    expect(descriptorsOf(destinationMessages(), 'TRACE')).toEqual(new Set([key('users'), key('orders')]));
    // committed: the source's GLOBAL state, namespaces and all
    expect(result.state).toHaveLength(1);
    expect(result.state![0]!.global!.stream_states.map((s) => s.stream_descriptor)).toEqual([
      { name: 'users', namespace: 'shop' },
      { name: 'orders', namespace: 'shop' },
    ]);
    expect(result.totals.recordsCommitted).toBe(165);
  });

  it('matches states the destination re-serialised under its names', async () => {
    const { result, logs } = await ws.run(
      { streams: [{ name: 'users', namespace: 'shop', records: 30 }], stateEvery: 10 },
      { echo: 'reformat', strictCatalog: true },
      catalogOf({ name: 'users', namespace: 'shop' }),
      { destinationNaming: rawPrefixed },
    );
    expect(result.status).toBe('succeeded');
    expect(result.totals.stateMessagesCommitted).toBe(3);
    expect(result.state).toEqual([streamState('users', 'shop', 30)]);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('names the source stream in a failure the destination reports under its own name', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', namespace: 'shop', records: 1000 }], stateEvery: 50 },
      { dieAfterRecords: 120, traceOnDie: true, strictCatalog: true },
      catalogOf({ name: 'users', namespace: 'shop' }),
      { destinationNaming: rawPrefixed },
    );
    expect(result.status).toBe('failed');
    expect(result.failures[0]).toMatchObject({
      origin: 'destination',
      message: 'fixture destination: disk full',
      stream: { name: 'users', namespace: 'shop' },
    });
  });

  it('refuses, before starting anything, two streams that would land in one destination stream', async () => {
    const { result } = await ws.run(
      {
        streams: [
          { name: 'users', namespace: 'eu', records: 5 },
          { name: 'users', namespace: 'us', records: 5 },
        ],
        pidFile: ws.path('source.pid'),
      },
      { pidFile: ws.path('destination.pid') },
      catalogOf({ name: 'users', namespace: 'eu' }, { name: 'users', namespace: 'us' }),
      { destinationNaming: { namespace: 'destination', prefix: 'p_' } },
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([
      expect.objectContaining({
        origin: 'replication',
        type: 'config_error',
        message: expect.stringContaining('streams "eu.users" and "us.users" would all be written to the destination stream "p_users"'),
      }),
    ]);
    expect(result.exits).toEqual({});
    expect(existsSync(ws.path('source.pid')) || existsSync(ws.path('destination.pid'))).toBe(false);
  });

  it("leaves records untouched when nothing is renamed ('destination' with a source without namespaces)", async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 20 }], stateEvery: 10, format: 'spaced' },
      strictDestination(),
      catalogOf({ name: 'users' }),
      { destinationNaming: { namespace: 'destination' } },
    );
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('succeeded');
    // byte for byte as the source printed them: a rename would have rewritten the spaced prefix
    const lines = await ws.outLines();
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.startsWith('{"type": "RECORD", "record": {"stream": "users", "data": {"id": '))).toBe(true);
  });
});

describe('replicate: destination naming under backpressure', () => {
  it('keeps memory bounded and pauses the source while renaming records for a slow destination', async () => {
    // as the plain path's test (replicate-failures): the engine alone in a process of its own
    const spec = {
      source: {
        streams: [{ name: 'users', namespace: 'shop', records: 6000 }],
        payloadBytes: 10_000,
        stateEvery: 100,
        format: 'namespace-after-data',
        statsFile: ws.path('source-stats.json'),
      },
      destination: { slowMs: 2, strictCatalog: true, summaryFile: ws.path('summary.json') },
      streams: [{ name: 'users', namespace: 'shop' }],
      destinationNaming: rawPrefixed,
      // borrowing beyond the own 4 MiB on a smaller scale than the default 20 MiB, so the 60 MB back up
      options: { maxBurstBytes: BURST_BYTES },
    };
    const report = await runEngineChild(spec);
    expect(report.status).toBe('succeeded');
    expect(report.totals.recordsCommitted).toBe(6000);
    expect(JSON.parse(readFileSync(ws.path('summary.json'), 'utf8'))).toMatchObject({ records: 6000, statuses: { p_users: 'COMPLETE' } });
    expectSourceHeldBack(report, ws.path('source-stats.json'), 256 * 1024, BURST_BYTES);
  });
});
