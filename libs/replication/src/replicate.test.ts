import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AirbyteStateMessage } from '@tributary/protocol';
import { replicate } from './replicate.js';
import type { ReplicationState } from './types.js';
import { Workspace, catalogOf, cursorOf, fixtureDestination, fixtureSource } from '@tributary/testing/replication';

let ws: Workspace;
beforeEach(async () => {
  ws = await Workspace.create();
});
afterEach(async () => {
  await ws.dispose();
});

const streamState = (name: string, cursor: number): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor } },
});

describe('replicate: happy path', () => {
  it('moves every record, counts per stream and commits the echoed state', async () => {
    const source = {
      streams: [
        { name: 'users', records: 250 },
        { name: 'orders', records: 130 },
      ],
      stateEvery: 50,
    };
    const { result, logs, progress, commits } = await ws.run(
      source,
      { outFile: ws.path('out.jsonl') },
      catalogOf({ name: 'users' }, { name: 'orders' }),
    );

    expect(result.failures).toEqual([]);
    expect(result.status).toBe('succeeded');
    const users = result.streamStats.find((s) => s.name === 'users')!;
    const orders = result.streamStats.find((s) => s.name === 'orders')!;
    expect(users).toMatchObject({ recordsEmitted: 250, recordsCommitted: 250 });
    expect(orders).toMatchObject({ recordsEmitted: 130, recordsCommitted: 130 });
    expect(users.bytesEmitted).toBeGreaterThan(250 * 40);
    expect(users.bytesCommitted).toBe(users.bytesEmitted);
    expect(result.totals).toMatchObject({
      recordsEmitted: 380,
      recordsCommitted: 380,
      stateMessagesEmitted: 5 + 3,
      stateMessagesCommitted: 8,
      invalidMessages: 0,
    });

    // state: one entry per stream, each at its last cursor
    expect(result.state).toEqual([streamState('users', 250), streamState('orders', 130)]);
    expect(commits.map((c) => cursorOf(c.state, 'users'))).toEqual([50, 100, 150, 200, 250, 250, 250, 250]);
    expect(commits.at(-1)!.stats.recordsCommitted).toBe(380);

    // the destination got every record, byte for byte as the source printed them
    const stored = await ws.outRecords();
    expect(stored.filter((r) => r.stream === 'users').map((r) => r.data.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(stored).toHaveLength(380);

    expect(logs.some((l) => l.origin === 'source' && l.message.startsWith('source done: 380 records'))).toBe(true);
    expect(logs.some((l) => l.origin === 'destination' && l.message.startsWith('destination done: 380 records'))).toBe(true);
    const last = progress.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.streams.find((s) => s.name === 'users')).toMatchObject({ recordsEmitted: 250, recordsCommitted: 250, status: 'STARTED' });
    expect(result.exits).toEqual({ source: { code: 0, signal: null }, destination: { code: 0, signal: null } });
    expect(result.endedAt).toBeGreaterThanOrEqual(result.startedAt);
  });

  it('reports progress while running, at the configured interval', async () => {
    const source = { streams: [{ name: 'users', records: 60 }], stateEvery: 10, delayMs: 30, delayEvery: 5 };
    const { result, progress } = await ws.run(source, {}, catalogOf({ name: 'users' }), { options: { progressIntervalMs: 50 } });
    expect(result.status).toBe('succeeded');
    const running = progress.filter((p) => !p.done);
    expect(running.length).toBeGreaterThanOrEqual(3);
    const emitted = running.map((p) => p.recordsEmitted);
    expect(emitted).toEqual([...emitted].sort((a, b) => a - b));
    expect(running.some((p) => p.recordsEmitted > 0 && p.recordsEmitted < 60)).toBe(true);
    expect(running.some((p) => p.recordsCommitted > 0)).toBe(true);
    expect(progress.filter((p) => p.done)).toHaveLength(1);
    expect(progress.at(-1)!.recordsPerSecond).toBeGreaterThan(0);
  });

  it('handles a last line without a newline and CONTROL config updates', async () => {
    const updates: unknown[] = [];
    const { result, logs } = await ws.run(
      { streams: [{ name: 'users', records: 5 }], noFinalNewline: true, control: true },
      {},
      catalogOf({ name: 'users' }),
      {
        onConfigUpdate: (role, config) => updates.push([role, config]),
      },
    );
    expect(result.status).toBe('succeeded');
    expect(result.controlConfigUpdates).toEqual({ source: { token: 'refreshed' } });
    expect(updates).toEqual([['source', { token: 'refreshed' }]]);
    expect(logs.some((l) => l.message === 'no newline')).toBe(true);
    expect(logs.some((l) => l.message.includes('refreshed'))).toBe(false); // configs hold secrets
  });
});

describe('replicate: callbacks', () => {
  it('survives callbacks that throw, and still reports the committed state', async () => {
    const boom = () => {
      throw new Error('boom');
    };
    const result = await replicate({
      launcher: ws.launcher,
      source: {
        definition: fixtureSource,
        config: { streams: [{ name: 'users', records: 30 }], stateEvery: 10, garbage: true, control: true },
      },
      destination: { definition: fixtureDestination, config: {} },
      catalog: catalogOf({ name: 'users' }),
      onLog: boom,
      onProgress: boom,
      onStateCommitted: async () => {
        throw new Error('database down');
      },
      onConfigUpdate: boom,
      options: { progressIntervalMs: 5 },
    });
    expect(result.status).toBe('succeeded');
    expect(result.state).toEqual([streamState('users', 30)]);
  });
});

describe('replicate: state', () => {
  it('merges STREAM states per stream into the previous committed state', async () => {
    const previous = [streamState('untouched', 7), streamState('users', 0)];
    const { result } = await ws.run({ streams: [{ name: 'users', records: 30 }], stateEvery: 10 }, {}, catalogOf({ name: 'users' }), {
      state: previous,
    });
    expect(result.status).toBe('succeeded');
    expect(result.state).toEqual([streamState('untouched', 7), streamState('users', 30)]);
  });

  it('lets a GLOBAL state replace the previous state', async () => {
    const { result } = await ws.run(
      {
        streams: [
          { name: 'users', records: 20 },
          { name: 'orders', records: 10 },
        ],
        stateEvery: 10,
        stateType: 'GLOBAL',
        interleave: true,
      },
      {},
      catalogOf({ name: 'users' }, { name: 'orders' }),
      { state: [streamState('users', 0)] },
    );
    expect(result.status).toBe('succeeded');
    expect(result.state).toHaveLength(1);
    const global = result.state![0]!;
    expect(global.type).toBe('GLOBAL');
    expect(global.global?.stream_states.map((s) => [s.stream_descriptor.name, (s.stream_state as { cursor: number }).cursor])).toEqual([
      ['users', 20],
      ['orders', 10],
    ]);
    expect(result.totals.recordsCommitted).toBe(30);
  });

  it('keeps LEGACY state as a blob and hands it back to the source on the next run', async () => {
    const catalog = catalogOf({ name: 'users' });
    const first = await ws.run(
      { streams: [{ name: 'users', records: 20 }], stateEvery: 10, stateType: 'LEGACY' },
      { outFile: ws.path('out.jsonl') },
      catalog,
    );
    expect(first.result.status).toBe('succeeded');
    expect(first.result.state).toEqual([{ type: 'LEGACY', data: { '.users': 20 } }]);
    const second = await ws.run(
      { streams: [{ name: 'users', records: 25 }], stateEvery: 10, stateType: 'LEGACY' },
      { outFile: ws.path('out.jsonl') },
      catalog,
      {
        state: first.result.state,
      },
    );
    expect(second.result.status).toBe('succeeded');
    expect(second.result.totals.recordsEmitted).toBe(5); // resumed after id 20
    expect(second.result.state).toEqual([{ type: 'LEGACY', data: { '.users': 25 } }]);
  });

  it('accepts a bare legacy blob as the previous state', async () => {
    const blob = { '.users': 20 } as unknown as ReplicationState;
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 25 }], stateEvery: 10, stateType: 'LEGACY' },
      {},
      catalogOf({ name: 'users' }),
      {
        state: blob,
      },
    );
    expect(result.status).toBe('succeeded');
    expect(result.totals.recordsEmitted).toBe(5);
    expect(result.state).toEqual([{ type: 'LEGACY', data: { '.users': 25 } }]);
  });

  it('commits all earlier states when the destination echoes only the latest', async () => {
    const { result, commits } = await ws.run(
      { streams: [{ name: 'users', records: 100 }], stateEvery: 10 },
      { echo: 'collapse', collapseEvery: 4 },
      catalogOf({ name: 'users' }),
    );
    expect(result.status).toBe('succeeded');
    expect(commits.map((c) => cursorOf(c.state, 'users'))).toEqual([40, 80, 100]);
    expect(commits.map((c) => c.stats.recordsCommitted)).toEqual([40, 80, 100]);
    expect(result.totals.stateMessagesCommitted).toBe(10);
    expect(result.state).toEqual([streamState('users', 100)]);
  });

  it('matches states the destination re-serialised (key order, spacing, destinationStats)', async () => {
    const { result, commits, logs } = await ws.run(
      { streams: [{ name: 'users', records: 30 }], stateEvery: 10 },
      { echo: 'reformat' },
      catalogOf({ name: 'users' }),
    );
    expect(result.status).toBe('succeeded');
    expect(commits).toHaveLength(3);
    expect(result.state).toEqual([streamState('users', 30)]);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('commits nothing the destination did not acknowledge, even on success', async () => {
    const previous = [streamState('users', 0)];
    const { result, logs } = await ws.run(
      { streams: [{ name: 'users', records: 30 }], stateEvery: 10 },
      { echo: 'none' },
      catalogOf({ name: 'users' }),
      {
        state: previous,
      },
    );
    expect(result.status).toBe('succeeded');
    expect(result.state).toEqual(previous);
    expect(result.totals.stateMessagesCommitted).toBe(0);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('without acknowledging 3 state'))).toBe(true);
  });
});

describe('replicate: record formats', () => {
  it('forwards Python-spaced records untouched', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 40 }], stateEvery: 10, format: 'spaced' },
      { outFile: ws.path('out.jsonl') },
      catalogOf({ name: 'users' }),
    );
    expect(result.status).toBe('succeeded');
    expect(result.streamStats[0]).toMatchObject({ recordsEmitted: 40, recordsCommitted: 40 });
    const lines = await ws.outLines();
    expect(lines).toHaveLength(40);
    expect(lines[0]).toMatch(
      /^\{"type": "RECORD", "record": \{"stream": "users", "data": \{"id": 1, "name": "users-1"\}, "emitted_at": \d+\}\}$/,
    );
  });

  it('tells same-named streams apart by a namespace that comes after data', async () => {
    const { result } = await ws.run(
      {
        streams: [
          { name: 'users', namespace: 'eu', records: 30 },
          { name: 'users', namespace: 'us', records: 20 },
          { name: 'plain', records: 10 },
        ],
        format: 'namespace-after-data',
        interleave: true,
        stateEvery: 5,
      },
      { outFile: ws.path('out.jsonl') },
      catalogOf({ name: 'users', namespace: 'eu' }, { name: 'users', namespace: 'us' }, { name: 'plain' }),
    );
    expect(result.failures).toEqual([]);
    expect(result.streamStats.map((s) => [s.namespace, s.name, s.recordsEmitted, s.recordsCommitted])).toEqual([
      ['eu', 'users', 30, 30],
      ['us', 'users', 20, 20],
      [undefined, 'plain', 10, 10],
    ]);
    expect(await ws.outLines()).toHaveLength(60);
  });

  it('falls back to a full parse for unusual key orders', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 25 }], format: 'record-first', stateEvery: 10 },
      { outFile: ws.path('out.jsonl') },
      catalogOf({ name: 'users' }),
    );
    expect(result.status).toBe('succeeded');
    expect(result.streamStats[0]).toMatchObject({ recordsEmitted: 25, recordsCommitted: 25 });
    expect(await ws.outLines()).toHaveLength(25);
  });
});

describe('replicate: launch', () => {
  it('fails with the launch failure when a connector cannot start', async () => {
    const result = await replicate({
      launcher: ws.launcher,
      source: { definition: { runtime: { kind: 'builtin', name: 'no-such-source' } }, config: {} },
      destination: { definition: fixtureDestination, config: { pidFile: ws.path('dest.pid') } },
      catalog: catalogOf({ name: 'users' }),
    });
    expect(result.status).toBe('failed');
    expect(result.failures[0]).toMatchObject({ origin: 'source', type: 'system_error' });
    expect(result.failures[0]!.message).toContain('no-such-source');
    // the destination that had started is gone
    expect(result.exits.destination).toBeDefined();
  });

  it('does nothing when cancelled before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await replicate({
      launcher: ws.launcher,
      source: { definition: fixtureSource, config: {} },
      destination: { definition: fixtureDestination, config: {} },
      catalog: catalogOf({ name: 'users' }),
      signal: controller.signal,
      state: [streamState('users', 3)],
    });
    expect(result.status).toBe('cancelled');
    expect(result.state).toEqual([streamState('users', 3)]);
    expect(result.exits).toEqual({});
  });
});
