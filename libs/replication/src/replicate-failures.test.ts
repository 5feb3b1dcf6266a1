import { mkdir, readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AirbyteStateMessage } from '@tributary/protocol';
import { openFiles, waitFor } from '@tributary/testing';
import {
  Workspace,
  catalogOf,
  cursorOf,
  isAlive,
  runEngineChild,
  expectSourceHeldBack,
  type EngineChildSpec,
} from '@tributary/testing/replication';
import type { ReplicationState } from './types.js';

const BURST_BYTES = 8 * 1024 * 1024;

let ws: Workspace;
beforeEach(async () => {
  ws = await Workspace.create();
});
afterEach(async () => {
  await ws.dispose();
});

const users = catalogOf({ name: 'users' });
const streamState = (name: string, cursor: number): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor } },
});

describe('replicate: source failures', () => {
  it('fails with origin source when the source exits non-zero, keeping what was committed', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 500 }], stateEvery: 50, failAfter: 120 },
      { outFile: ws.path('out.jsonl') },
      users,
      {
        state: [streamState('users', 0)],
      },
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ origin: 'source', type: 'system_error', message: 'the source exited with code 1' });
    expect(result.failures[0]!.internalMessage).toContain('fixture source: giving up'); // its stderr
    // the destination got EOF and committed what it had
    expect(result.state).toEqual([streamState('users', 100)]);
    expect(result.streamStats[0]).toMatchObject({ recordsEmitted: 120, recordsCommitted: 100 });
    expect(result.exits.destination).toEqual({ code: 0, signal: null });
  });

  it('never forwards the half record a dying source left behind', async () => {
    const { result, logs } = await ws.run(
      { streams: [{ name: 'users', records: 30 }], stateEvery: 10, truncateLast: true },
      { outFile: ws.path('out.jsonl') },
      users,
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([expect.objectContaining({ origin: 'source', message: 'the source exited with code 1' })]);
    expect(result.exits.destination).toEqual({ code: 0, signal: null });
    expect(await ws.outLines()).toHaveLength(30);
    expect(cursorOf(result.state, 'users')).toBe(30);
    expect(
      logs.some((l) => l.origin === 'source' && l.message.startsWith('{"type":"RECORD","record":{"stream":"users","data":{"id":99999')),
    ).toBe(true);
  });

  it('keeps the previous committed state when the source fails before any new state', async () => {
    const previous = [streamState('users', 10)];
    const { result } = await ws.run({ streams: [{ name: 'users', records: 500 }], stateEvery: 50, failAfter: 30, exitCode: 3 }, {}, users, {
      state: previous,
    });
    expect(result.status).toBe('failed');
    expect(result.failures[0]).toMatchObject({ origin: 'source', message: 'the source exited with code 3' });
    expect(result.state).toEqual(previous);
    expect(result.totals.recordsCommitted).toBe(0);
  });

  it("takes the failure from the source's TRACE ERROR, type preserved", async () => {
    const { result, logs } = await ws.run(
      {
        streams: [{ name: 'users', records: 100 }],
        failAfter: 0,
        traceError: { message: 'invalid API key', failure_type: 'config_error' },
      },
      {},
      users,
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(1); // not also "exited with code 1"
    expect(result.failures[0]).toMatchObject({
      origin: 'source',
      type: 'config_error',
      message: 'invalid API key',
      internalMessage: 'fixture failure',
    });
    expect(logs.some((l) => l.level === 'error' && l.origin === 'source' && l.message.startsWith('invalid API key'))).toBe(true);
  });

  it('fails a run whose source reported a TRACE ERROR even if it exited 0', async () => {
    const { result } = await ws.run(
      {
        streams: [{ name: 'users', records: 10 }],
        traceError: { message: 'stream x failed', failure_type: 'transient_error' },
        exitCode: 0,
      },
      {},
      users,
    );
    expect(result.exits.source?.code).toBe(0);
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([expect.objectContaining({ origin: 'source', type: 'transient_error', message: 'stream x failed' })]);
  });

  it('fails with origin source on a record for a stream not in the catalog', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 1000 }], stateEvery: 50, unknownStreamAt: 61, delayMs: 1, delayEvery: 100 },
      { outFile: ws.path('out.jsonl') },
      users,
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ origin: 'source', type: 'system_error', stream: { name: 'not_configured' } });
    expect(result.failures[0]!.message).toContain('"not_configured", which is not in the configured catalog');
    // records before the bad one were delivered and committed
    expect(cursorOf(result.state, 'users')).toBe(50);
    const stored = await ws.outRecords();
    expect(stored.map((r) => r.data.id)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('logs garbage lines and invalid messages and still succeeds', async () => {
    const { result, logs } = await ws.run(
      { streams: [{ name: 'users', records: 20 }], stateEvery: 10, garbage: true },
      { outFile: ws.path('out.jsonl') },
      users,
    );
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('succeeded');
    expect(result.totals.invalidMessages).toBe(2);
    expect(logs).toContainEqual(expect.objectContaining({ origin: 'source', level: 'info', message: 'plain text output from the source' }));
    expect(logs).toContainEqual(expect.objectContaining({ origin: 'source', level: 'info', message: '{not json' }));
    expect(logs).toContainEqual(expect.objectContaining({ origin: 'source', message: 'a line on stderr' }));
    expect(logs).toContainEqual(expect.objectContaining({ origin: 'source', level: 'info', message: 'starting' }));
    const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('invalid protocol message from the source');
    expect(warnings[1]).toContain('record.data');
    expect(await ws.outLines()).toHaveLength(20); // the invalid record was not forwarded
  });

  it('fails with origin source on a line over the cap, letting the destination commit what came before', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 100 }], stateEvery: 10, hugeLineAt: 25, hugeLineBytes: 10_000 },
      { outFile: ws.path('out.jsonl') },
      users,
      {
        options: { maxLineBytes: 2_000 },
      },
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ origin: 'source', type: 'system_error' });
    expect(result.failures[0]!.message).toContain('longer than the 2000 byte limit');
    expect(cursorOf(result.state, 'users')).toBe(20);
    expect(result.exits.destination).toEqual({ code: 0, signal: null });
  });

  it('fails with origin source on an over-long record spanning chunks, never handing the destination part of it', async () => {
    const { result } = await ws.run(
      {
        streams: [{ name: 'users', records: 100 }],
        stateEvery: 10,
        hugeLineAt: 25,
        hugeLineBytes: 1_000_000,
        pidFile: ws.path('source.pid'),
      },
      { outFile: ws.path('out.jsonl') },
      users,
      { options: { maxLineBytes: 100_000 } },
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ origin: 'source', type: 'system_error' });
    expect(result.failures[0]!.message).toContain('longer than the 100000 byte limit');
    // the destination got whole lines only, and committed what came before
    expect(result.exits.destination).toEqual({ code: 0, signal: null });
    expect(cursorOf(result.state, 'users')).toBe(20);
    expect((await ws.outRecords()).map((r) => r.data.id)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(isAlive(ws.pids('source.pid')[0]!)).toBe(false);
  });
});

describe('replicate: destination failures', () => {
  it('fails with origin destination when the destination dies mid-sync, and stops the source', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 200_000 }], stateEvery: 100, pidFile: ws.path('source.pid') },
      { dieAfterRecords: 1000, outFile: ws.path('out.jsonl') },
      users,
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ origin: 'destination', type: 'system_error' });
    expect(result.failures[0]!.message).toBe('the destination exited with code 1 before the end of its input');
    expect(result.failures[0]!.internalMessage).toContain('fixture destination: dying');
    expect(result.totals.recordsEmitted).toBeLessThan(200_000);
    expect(cursorOf(result.state, 'users')).toBeLessThanOrEqual(1000);
    expect(isAlive(ws.pids('source.pid')[0]!)).toBe(false);
  });

  it('fails with origin destination when it dies while records wait in the spill file, and the file is closed', async () => {
    const spillDir = ws.path('spill');
    await mkdir(spillDir);
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 20_000 }], payloadBytes: 2000, stateEvery: 100 },
      { dieAfterRecords: 3000, slowMs: 2 },
      users,
      { options: { spillDir } },
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ origin: 'destination', type: 'system_error' });
    expect(result.failures[0]!.internalMessage).toContain('fixture destination: dying');
    expect(result.backpressure.spilledBytes).toBeGreaterThan(0);
    expect(cursorOf(result.state, 'users')).toBeLessThanOrEqual(3000);
    // no name in its directory, and no longer open in this process
    expect(await readdir(spillDir)).toEqual([]);
    expect((await openFiles('self')).filter((f) => f.target.includes('tributary-spill-'))).toEqual([]);
  });

  it('fails when the destination exits 0 while records still wait in the spill file for it', async () => {
    const spillDir = ws.path('spill');
    await mkdir(spillDir);
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 20_000 }], payloadBytes: 2000, stateEvery: 100 },
      // the source is done long before: the engine has ended the destination's input, but not fed it all
      { dieAfterRecords: 15_000, dieExitCode: 0, slowMs: 2 },
      users,
      { options: { spillDir } },
    );
    expect(result.backpressure.spilledBytes).toBeGreaterThan(0);
    expect(result.status).toBe('failed');
    expect(result.failures[0]).toMatchObject({ origin: 'destination', message: 'the destination exited with code 0 before the end of its input' });
    expect(cursorOf(result.state, 'users')).toBeLessThanOrEqual(15_000);
  });

  it('fails when the destination exits 0 while records still wait in the engine\'s queue for it (no spill file)', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 20_000 }], payloadBytes: 2000, stateEvery: 100 },
      // the source's last records fit the queue: the engine has ended the input, but not handed it all over
      { dieAfterRecords: 18_000, dieExitCode: 0, slowMs: 2 },
      users,
    );
    expect(result.status).toBe('failed');
    expect(result.failures[0]).toMatchObject({ origin: 'destination', message: 'the destination exited with code 0 before the end of its input' });
    expect(cursorOf(result.state, 'users')).toBeLessThanOrEqual(18_000);
  });

  it("takes the destination's TRACE ERROR as the failure", async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 100_000 }], stateEvery: 100 },
      { dieAfterRecords: 500, traceOnDie: true },
      users,
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([
      expect.objectContaining({ origin: 'destination', type: 'transient_error', message: 'fixture destination: disk full' }),
    ]);
  });

  it('fails with the destination config error when it cannot even start writing', async () => {
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 1_000_000 }], pidFile: ws.path('source.pid') },
      { failAtStart: { message: 'bad credentials', failure_type: 'config_error' } },
      users,
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([expect.objectContaining({ origin: 'destination', type: 'config_error', message: 'bad credentials' })]);
    expect(result.totals.recordsEmitted).toBeLessThan(1_000_000);
  });

  it('fails with origin destination when it exits non-zero at the end', async () => {
    const { result } = await ws.run({ streams: [{ name: 'users', records: 30 }], stateEvery: 10 }, { exitCodeOnEnd: 4 }, users);
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([expect.objectContaining({ origin: 'destination', message: 'the destination exited with code 4' })]);
    expect(cursorOf(result.state, 'users')).toBe(30); // what it acknowledged stays committed
  });
});

describe('replicate: cancellation', () => {
  it.each([
    ['connectors that stop on SIGTERM', false],
    ['a source that ignores SIGTERM', true],
  ])('kills both process groups and keeps the committed state (%s)', async (_, ignoreSigterm) => {
    const controller = new AbortController();
    const committed: ReplicationState[] = [];
    const running = ws.run(
      { forever: true, stateEvery: 10, delayMs: 5, delayEvery: 10, grandchild: true, ignoreSigterm, pidFile: ws.path('source.pid') },
      { pidFile: ws.path('dest.pid') },
      users,
      {
        signal: controller.signal,
        options: { killGraceMs: 500 },
        onStateCommitted: (state) => {
          committed.push(state);
          if (committed.length === 3) controller.abort();
        },
      },
    );
    const { result } = await running;
    const abortedAt = Date.now();
    expect(result.status).toBe('cancelled');
    expect(result.failures).toEqual([]);
    expect(committed.length).toBeGreaterThanOrEqual(3);
    expect(result.state).toEqual(committed.at(-1));
    expect(result.totals.recordsCommitted).toBeLessThanOrEqual(result.totals.recordsEmitted);

    const pids = [...ws.pids('source.pid'), ...ws.pids('dest.pid')];
    expect(pids).toHaveLength(3); // source, its grandchild, destination
    expect(await waitFor('the connector processes to exit', () => pids.every((p) => !isAlive(p)) || undefined, 2000)).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(3000);
  });

  it('returns within a few seconds of the abort', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    // abort once records flow (not after a fixed delay: start-up is slow on a loaded machine)
    const abortWhenFlowing = (p: { recordsEmitted: number }) => {
      if (p.recordsEmitted > 0 && !abortedAt) {
        abortedAt = Date.now();
        controller.abort();
      }
    };
    const { result } = await ws.run({ forever: true, stateEvery: 10, delayMs: 5, delayEvery: 10 }, {}, users, {
      signal: controller.signal,
      onProgress: abortWhenFlowing,
      options: { killGraceMs: 1000, progressIntervalMs: 50 },
    });
    expect(result.status).toBe('cancelled');
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(3000);
    expect(result.totals.recordsEmitted).toBeGreaterThan(0);
  });
});

describe('replicate: retries', () => {
  it.each([
    ['the destination dies', { dieAfterRecords: 437 }, {}],
    ['the source fails', {}, { failAfter: 555 }],
  ])('a retry from the committed state loses no records when %s', async (_, destinationFailure, sourceFailure) => {
    const streams = [
      { name: 'users', records: 1000 },
      { name: 'orders', records: 700 },
    ];
    const catalog = catalogOf({ name: 'users' }, { name: 'orders' });
    const out = ws.path('out.jsonl');

    const first = await ws.run(
      { streams, stateEvery: 25, interleave: true, ...sourceFailure },
      { outFile: out, ...destinationFailure },
      catalog,
    );
    expect(first.result.status).toBe('failed');
    expect(first.result.totals.recordsCommitted).toBeGreaterThan(0);
    expect(first.result.totals.recordsCommitted).toBeLessThan(1700);

    const second = await ws.run({ streams, stateEvery: 25, interleave: true }, { outFile: out }, catalog, { state: first.result.state });
    expect(second.result.status).toBe('succeeded');
    // only what was not committed was read again
    expect(second.result.totals.recordsEmitted).toBe(1700 - first.result.totals.recordsCommitted);

    const stored = await ws.outRecords();
    for (const [name, count] of [
      ['users', 1000],
      ['orders', 700],
    ] as const) {
      const ids = new Set(stored.filter((r) => r.stream === name).map((r) => r.data.id));
      expect(ids.size, name).toBe(count);
      expect(Math.max(...ids)).toBe(count);
    }
  });
});

describe('replicate: backpressure', () => {
  // 60 MB from a fast source into a destination much slower than it, through an engine in a
  // process of its own (so that its memory is all that is measured)
  const slowDestinationRun = (options: EngineChildSpec['options']) =>
    runEngineChild({
      source: {
        streams: [{ name: 'users', records: 6000 }],
        payloadBytes: 10_000,
        stateEvery: 100,
        statsFile: ws.path('source-stats.json'),
      },
      destination: { slowMs: 2 },
      streams: [{ name: 'users' }],
      options,
    });

  it('pauses the source while the destination is slow, keeping memory bounded', async () => {
    // borrowing beyond the own 4 MiB on a smaller scale than the default 20 MiB, so the 60 MB back up
    const report = await slowDestinationRun({ maxBurstBytes: BURST_BYTES });
    expect(report.status).toBe('succeeded');
    expect(report.totals.bytesEmitted).toBeGreaterThan(60_000_000);
    expectSourceHeldBack(report, ws.path('source-stats.json'), 128 * 1024, BURST_BYTES);
  });

  it('with a spill file, does not hold the source back: what the destination cannot take yet waits in the file', async () => {
    const spillDir = ws.path('spill');
    await mkdir(spillDir);
    const report = await slowDestinationRun({ maxBurstBytes: BURST_BYTES, spillDir });
    expect(report.status).toBe('succeeded');
    // every record reached the destination and was committed: nothing lost or repeated on the way through the file
    expect(report.totals).toMatchObject({ recordsEmitted: 6000, recordsCommitted: 6000, stateMessagesCommitted: 60 });
    expect(report.totals.bytesEmitted).toBeGreaterThan(60_000_000);
    // without the file the source waits ~2 s of this run (16-18 pauses); with it none on an idle
    // machine, a few short ones on a loaded one (3-4 pauses, 30-140 ms: the file's writes are late too)
    expect(report.backpressure.pausedMs, JSON.stringify(report.backpressure)).toBeLessThan(500);
    expect(report.backpressure.spilledBytes).toBeGreaterThan(30_000_000);
    expect(report.backpressure.maxSpilledBytes).toBeGreaterThan(10_000_000);
    // the file is outside the engine's memory, and gone afterwards
    expect(report.liveGrowth).toBeLessThan(2 * BURST_BYTES + 8 * 1024 * 1024);
    expect(await readdir(spillDir)).toEqual([]);
  });

  it('says once when its spill file cannot be made, and syncs everything without one', async () => {
    const { result, logs } = await ws.run(
      { streams: [{ name: 'users', records: 10_000 }], payloadBytes: 2000, stateEvery: 100 },
      { slowMs: 2, outFile: ws.path('out.jsonl') },
      users,
      { options: { spillDir: ws.path('no-such-dir') } },
    );
    expect(result.status).toBe('succeeded');
    expect(result.totals).toMatchObject({ recordsEmitted: 10_000, recordsCommitted: 10_000 });
    expect(new Set((await ws.outRecords()).map((r) => r.data.id)).size).toBe(10_000);
    expect(result.backpressure.spilledBytes).toBe(0);
    const warnings = logs.filter((l) => l.message.startsWith('the spill file failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', origin: 'replication' });
    expect(warnings[0]!.message).toMatch(/ENOENT.*the source waits for the destination from now on/);
  });

  it('with its spill file full, holds the source back as without one', async () => {
    const spillMaxBytes = 8 * 1024 * 1024;
    const report = await slowDestinationRun({ maxBurstBytes: BURST_BYTES, spillDir: ws.dir, spillMaxBytes });
    expect(report.status).toBe('succeeded');
    expect(report.totals).toMatchObject({ recordsEmitted: 6000, recordsCommitted: 6000 });
    expect(report.backpressure.spilledBytes).toBeGreaterThan(spillMaxBytes);
    expect(report.backpressure.maxSpilledBytes).toBeLessThanOrEqual(spillMaxBytes);
    expectSourceHeldBack(report, ws.path('source-stats.json'), 128 * 1024, BURST_BYTES);
  });
});
