import type { StreamFieldSelection } from '@tributary/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { AirbyteMessage } from '@tributary/protocol';
import { Workspace, catalogOf, runEngineChild, expectSourceHeldBack } from '@tributary/testing/replication';
import type { DestinationNaming } from './types.js';

const BURST_BYTES = 8 * 1024 * 1024;

// Field selection through real fixture processes: the source prints {id, name} for every
// stream; the destination stores each record line exactly as it arrives.

let ws: Workspace;
beforeEach(async () => {
  ws = await Workspace.create();
});
afterEach(async () => {
  await ws.dispose();
});

const streams = [
  { name: 'users', namespace: 'shop', records: 120 },
  { name: 'orders', namespace: 'shop', records: 45 },
];
const catalog = catalogOf({ name: 'users', namespace: 'shop' }, { name: 'orders', namespace: 'shop' });
const onlyIds: StreamFieldSelection[] = [{ stream: { name: 'users', namespace: 'shop' }, fields: ['id'] }];
const rawPrefixed: DestinationNaming = { namespace: { format: '${SOURCE_NAMESPACE}_raw' }, prefix: 'p_' };

type RecordMessage = Extract<AirbyteMessage, { type: 'RECORD' }>;
const recordsOf = (lines: string[], stream: string) =>
  lines.filter((l) => {
    const m = JSON.parse(l) as AirbyteMessage;
    return m.type === 'RECORD' && m.record.stream.endsWith(stream);
  });
const parsed = (line: string) => JSON.parse(line) as RecordMessage;
const bytes = (lines: string[]) => lines.reduce((sum, l) => sum + Buffer.byteLength(l), 0);

describe('replicate: field selection', () => {
  // compact and spaced: the fast path; namespace-after-data: Python's CDK; record-first: the full-parse path
  describe.each([undefined, rawPrefixed])('with destination naming %o', (naming) => {
    it.each(['compact', 'spaced', 'namespace-after-data', 'record-first'])(
      'drops the unselected fields of one stream and leaves the other alone (%s records)',
      async (format) => {
        const run = await ws.run(
          { streams, stateEvery: 20, interleave: true, format, teeFile: ws.path('source.jsonl') },
          { outFile: ws.path('out.jsonl') },
          catalog,
          { fieldSelection: onlyIds, ...(naming ? { destinationNaming: naming } : {}) },
        );
        expect(run.result.failures).toEqual([]);
        expect(run.result.status).toBe('succeeded');

        const printed = readFileSync(ws.path('source.jsonl'), 'utf8').split('\n').filter(Boolean);
        const stored = await ws.outLines();
        const [sourceUsers, sourceOrders] = [recordsOf(printed, 'users'), recordsOf(printed, 'orders')];
        const [users, orders] = [recordsOf(stored, 'users'), recordsOf(stored, 'orders')];
        expect(users).toHaveLength(120);
        expect(orders).toHaveLength(45);

        users.forEach((line, i) => {
          const source = parsed(sourceUsers[i]!);
          expect(Object.keys(source.record.data)).toEqual(['id', 'name']);
          // the same record (under its destination name), without `name`
          const { stream: _s, namespace: _n, data: _d, ...rest } = source.record;
          expect(parsed(line).record).toEqual({
            ...rest,
            stream: naming ? 'p_users' : 'users',
            namespace: naming ? 'shop_raw' : 'shop',
            data: { id: source.record.data['id'] },
          });
        });
        if (!naming) {
          // not renamed: the other stream's lines arrive exactly as the source printed them
          expect(orders).toEqual(sourceOrders);
        } else {
          orders.forEach((line, i) => {
            const source = parsed(sourceOrders[i]!);
            expect(parsed(line).record).toEqual({ ...source.record, stream: 'p_orders', namespace: 'shop_raw' });
            // renamed on the fast path: everything from data on is the source's bytes
            if (format === 'compact')
              expect(line.slice(line.indexOf('"data":'))).toBe(sourceOrders[i]!.slice(sourceOrders[i]!.indexOf('"data":')));
          });
        }

        const stats = Object.fromEntries(run.result.streamStats.map((s) => [s.name, s]));
        expect(stats['users']).toMatchObject({ recordsEmitted: 120, recordsCommitted: 120, bytesEmitted: bytes(users) });
        expect(stats['users']!.bytesEmitted).toBeLessThan(bytes(sourceUsers));
        // a stream without a selection counts what the source printed
        expect(stats['orders']).toMatchObject({ recordsEmitted: 45, recordsCommitted: 45, bytesEmitted: bytes(sourceOrders) });
      },
    );
  });

  it('changes nothing when the selection is empty or names a stream the catalog does not have', async () => {
    const run = await ws.run({ streams, format: 'compact', teeFile: ws.path('source.jsonl') }, { outFile: ws.path('out.jsonl') }, catalog, {
      fieldSelection: [
        { stream: { name: 'users', namespace: 'shop' }, fields: [] },
        { stream: { name: 'ghost' }, fields: ['id'] },
      ],
    });
    expect(run.result.status).toBe('succeeded');
    const printed = readFileSync(ws.path('source.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(await ws.outLines()).toEqual(printed.filter((l) => (JSON.parse(l) as AirbyteMessage).type === 'RECORD'));
  });

  it('keeps memory bounded and pauses the source while trimming (and renaming) records for a slow destination', async () => {
    // as the plain path's test (replicate-failures): the engine alone in a process of its own; records are
    // {id, pad} with a 10 kB pad, and only pad is selected, so what is sent stays big enough to back up
    const spec = {
      source: {
        streams: [{ name: 'users', namespace: 'shop', records: 6000 }],
        payloadBytes: 10_000,
        stateEvery: 100,
        statsFile: ws.path('source-stats.json'),
      },
      destination: { slowMs: 2, strictCatalog: true, summaryFile: ws.path('summary.json') },
      streams: [{ name: 'users', namespace: 'shop' }],
      destinationNaming: rawPrefixed,
      fieldSelection: [{ stream: { name: 'users', namespace: 'shop' }, fields: ['pad'] }],
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
