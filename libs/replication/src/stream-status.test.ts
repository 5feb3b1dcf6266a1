import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Workspace, catalogOf } from '@tributary/testing/replication';

let ws: Workspace;
beforeEach(async () => {
  ws = await Workspace.create();
});
afterEach(async () => {
  await ws.dispose();
});

const twoStreams = catalogOf({ name: 'users' }, { name: 'orders' });
const statusesSeen = (): Record<string, string> =>
  (JSON.parse(readFileSync(ws.path('summary.json'), 'utf8')) as { statuses: Record<string, string> }).statuses;

// Destinations finalise a stream (swap in an overwrite table, drop old generations) only on
// COMPLETE, so the engine must say how each stream ended, whatever the source reported.
describe('replicate: stream statuses reach the destination', () => {
  it('marks every stream COMPLETE when the source succeeds', async () => {
    const { result } = await ws.run(
      {
        streams: [
          { name: 'users', records: 20 },
          { name: 'orders', records: 5 },
        ],
        stateEvery: 10,
      },
      { summaryFile: ws.path('summary.json') },
      twoStreams,
    );
    expect(result.status).toBe('succeeded');
    expect(statusesSeen()).toEqual({ users: 'COMPLETE', orders: 'COMPLETE' });
  });

  it('marks the streams INCOMPLETE when the source fails, so no partial stream is finalised', async () => {
    const { result } = await ws.run(
      {
        streams: [
          { name: 'users', records: 500 },
          { name: 'orders', records: 500 },
        ],
        stateEvery: 50,
        failAfter: 120,
      },
      { summaryFile: ws.path('summary.json') },
      twoStreams,
    );
    expect(result.status).toBe('failed');
    expect(result.exits.destination).toEqual({ code: 0, signal: null });
    expect(statusesSeen()).toEqual({ users: 'INCOMPLETE', orders: 'INCOMPLETE' });
  });

  it('marks the streams INCOMPLETE when the source breaks the protocol and is stopped', async () => {
    const { result } = await ws.run(
      {
        streams: [
          { name: 'users', records: 50 },
          { name: 'ghost', records: 5 },
        ],
        stateEvery: 10,
      },
      { summaryFile: ws.path('summary.json') },
      catalogOf({ name: 'users' }),
    );
    expect(result.status).toBe('failed');
    expect(result.failures[0]!.message).toMatch(/not in the configured catalog/);
    expect(statusesSeen()).toEqual({ users: 'INCOMPLETE' });
  });

  it('tells the destination every stream STARTED before anything else, also for a source that never says so', async () => {
    // so a destination whose input ends without COMPLETE (the worker died) finishes nothing
    const { result } = await ws.run(
      { streams: [{ name: 'users', records: 5 }, { name: 'orders', records: 5 }], stateEvery: 2, noStreamStatus: true },
      { messagesFile: ws.path('messages.jsonl') },
      twoStreams,
    );
    expect(result.status).toBe('succeeded');
    const statuses = readFileSync(ws.path('messages.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; trace?: { stream_status?: { stream_descriptor: { name: string }; status: string } } })
      .map((m) => (m.trace?.stream_status ? `${m.trace.stream_status.stream_descriptor.name} ${m.trace.stream_status.status}` : m.type));
    expect(statuses.slice(0, 3)).toEqual(['users STARTED', 'orders STARTED', 'STATE']);
    expect(statuses.slice(-2)).toEqual(['users COMPLETE', 'orders COMPLETE']);
  });
});
