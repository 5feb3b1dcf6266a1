// The destination gate: what the source emits waits in the engine until a check that runs
// beside the read (a discover, a connector check) has said yes; a no reaches the destination
// with nothing at all.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailureReason } from '@tributary/domain';
import type { ReplicationProgress } from './types.js';
import { Workspace, catalogOf } from '@tributary/testing/replication';

let ws: Workspace;
beforeEach(async () => {
  ws = await Workspace.create();
});
afterEach(async () => {
  await ws.dispose();
});

/** A gate settled by the test, and a promise of the first progress report where the source has emitted `records`. */
function heldUntilEmitted(records: number) {
  let settle!: (failure: FailureReason | undefined) => void;
  const gate = new Promise<FailureReason | undefined>((resolve) => (settle = resolve));
  let reached!: (p: ReplicationProgress) => void;
  const emitted = new Promise<ReplicationProgress>((resolve) => (reached = resolve));
  const onProgress = (p: ReplicationProgress) => {
    if (p.recordsEmitted >= records) reached(p);
  };
  return { gate, settle, emitted, onProgress };
}

const destinationInput = async (file: string): Promise<string> => (existsSync(file) ? readFile(file, 'utf8') : '');

describe('replicate: destination gate', () => {
  it('holds every record back while the gate is shut, even after the source has ended, then delivers them all', async () => {
    const held = heldUntilEmitted(300);
    const run = ws.run(
      { streams: [{ name: 'users', records: 300 }], stateEvery: 50 },
      { outFile: ws.path('out.jsonl'), messagesFile: ws.path('messages.jsonl') },
      catalogOf({ name: 'users' }),
      { destinationGate: held.gate, onProgress: held.onProgress, options: { progressIntervalMs: 20 } },
    );
    const whileHeld = await held.emitted;
    // the source has said everything; give the pipes time to carry it, were anything let through
    await new Promise((r) => setTimeout(r, 300));
    expect(whileHeld.recordsCommitted).toBe(0);
    expect(await destinationInput(ws.path('out.jsonl'))).toBe('');
    expect(await destinationInput(ws.path('messages.jsonl'))).toBe('');

    held.settle(undefined);
    const { result, commits } = await run;
    expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
    expect(result.totals).toMatchObject({ recordsEmitted: 300, recordsCommitted: 300 });
    expect((await ws.outRecords()).map((r) => r.data.id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(commits.length).toBeGreaterThan(0);
  });

  it('a gate that closes fails the attempt with its reason first, commits nothing and sends the destination nothing', async () => {
    const held = heldUntilEmitted(300);
    const run = ws.run(
      { streams: [{ name: 'users', records: 300 }], stateEvery: 50 },
      { outFile: ws.path('out.jsonl'), messagesFile: ws.path('messages.jsonl') },
      catalogOf({ name: 'users' }),
      { destinationGate: held.gate, onProgress: held.onProgress, options: { progressIntervalMs: 20 } },
    );
    await held.emitted;
    const breaking: FailureReason = {
      origin: 'source',
      type: 'config_error',
      message: 'breaking schema change: users: cursor field gone',
      timestamp: Date.now(),
    };
    held.settle(breaking);
    const { result, commits } = await run;
    expect(result.status).toBe('failed');
    expect(result.failures[0]).toEqual(breaking);
    expect(result.totals.recordsCommitted).toBe(0);
    expect(commits).toEqual([]);
    expect(await destinationInput(ws.path('out.jsonl'))).toBe('');
    expect(await destinationInput(ws.path('messages.jsonl'))).toBe('');
  });

  it('keeps the source waiting on backpressure while held, not reading it into memory without bound', async () => {
    const held = heldUntilEmitted(1);
    let latest: ReplicationProgress | undefined;
    const run = ws.run(
      { streams: [{ name: 'users', records: 20_000 }], payloadBytes: 500 },
      { outFile: ws.path('out.jsonl') },
      catalogOf({ name: 'users' }),
      {
        destinationGate: held.gate,
        onProgress: (p) => {
          latest = p;
          held.onProgress(p);
        },
        options: { progressIntervalMs: 20, maxQueuedBytes: 256 * 1024, maxBurstBytes: 512 * 1024 },
      },
    );
    await held.emitted;
    await new Promise((r) => setTimeout(r, 500));
    // 10 MB to emit; while held, the queue (256 KiB) and the pipe's buffer are all it takes in
    expect(latest!.bytesEmitted).toBeLessThan(2 * 1024 * 1024);
    held.settle(undefined);
    const { result } = await run;
    expect(result.status, JSON.stringify(result.failures)).toBe('succeeded');
    expect(result.backpressure.sourcePauses).toBeGreaterThan(0);
    expect(result.totals.recordsCommitted).toBe(20_000);
  });
});
