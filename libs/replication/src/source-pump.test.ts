import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { decodeLine, type ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { RecordPeeker } from './record-peek.js';
import { FORWARD, SKIP, SourcePump } from './source-pump.js';
import { ReplicationStats } from './stats.js';
import { StreamCatalog } from './stream-catalog.js';

const catalog = new StreamCatalog({
  streams: ['users', 'orders'].map((name) => ({
    stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] },
    sync_mode: 'full_refresh',
    destination_sync_mode: 'append',
  })),
} satisfies ConfiguredAirbyteCatalog);

/** A small deterministic PRNG, so a failing case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Line {
  text: string;
  eol: string;
  forwarded: boolean;
  stream?: 'users' | 'orders';
}

function makeLines(random: () => number, count: number): Line[] {
  const lines: Line[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const stream = random() < 0.5 ? 'users' : 'orders';
    const eol = random() < 0.1 ? '\r\n' : '\n';
    const pad = 'x'.repeat(Math.floor(random() * 300));
    if (r < 0.6)
      lines.push({
        text: JSON.stringify({ type: 'RECORD', record: { stream, data: { i, pad }, emitted_at: 1 } }),
        eol,
        forwarded: true,
        stream,
      });
    else if (r < 0.7)
      lines.push({
        text: `{"type": "RECORD", "record": {"stream": "${stream}", "data": {"i": ${i}}, "emitted_at": 1}}`,
        eol,
        forwarded: true,
        stream,
      });
    else if (r < 0.75)
      lines.push({ text: JSON.stringify({ record: { data: { i }, stream }, type: 'RECORD' }), eol, forwarded: true, stream });
    else if (r < 0.85)
      lines.push({
        text: JSON.stringify({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { i }, stream_states: [] } } }),
        eol,
        forwarded: true,
      });
    else if (r < 0.9)
      lines.push({ text: JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: `log ${i} ${pad}` } }), eol, forwarded: false });
    else if (r < 0.95) lines.push({ text: `plain text ${i}`, eol, forwarded: false });
    else lines.push({ text: '', eol, forwarded: false });
  }
  return lines;
}

async function pump(chunks: Buffer[]): Promise<{ out: string; stats: ReplicationStats; skipped: string[] }> {
  const source = new PassThrough();
  const received: Buffer[] = [];
  // a slow-ish destination with a small buffer, so backpressure kicks in too
  const destination = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      received.push(chunk);
      setImmediate(cb);
    },
  });
  const stats = new ReplicationStats(catalog);
  const skipped: string[] = [];
  const done = new Promise<void>((resolve) => {
    const p = new SourcePump({
      source,
      destination,
      peeker: new RecordPeeker(catalog),
      stats,
      maxLineBytes: 1_000_000,
      slowLine: (line) => {
        const d = decodeLine(line);
        if (d.kind === 'message' && d.message.type === 'RECORD') {
          const ref = catalog.lookup(d.message.record.stream, d.message.record.namespace)!;
          stats.bucketRecords[ref.index] = stats.bucketRecords[ref.index]! + 1;
          stats.bucketBytes[ref.index] = stats.bucketBytes[ref.index]! + line.length;
          return FORWARD;
        }
        if (d.kind === 'message' && d.message.type === 'STATE') return FORWARD;
        skipped.push(line.toString());
        return SKIP;
      },
      onStopped: () => {},
      onLineTooLong: () => {},
      onEnd: () => destination.end(resolve),
      onError: (err) => {
        throw err;
      },
    });
    p.start();
  });
  for (const c of chunks) source.write(c);
  source.end();
  await done;
  return { out: Buffer.concat(received).toString(), stats, skipped };
}

describe('SourcePump', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('forwards exactly the record and state lines, whatever the chunking (seed %i)', async (seed) => {
    const random = rng(seed);
    const lines = makeLines(random, 400);
    const noFinalNewline = seed % 2 === 0;
    const text = lines.map((l, i) => (noFinalNewline && i === lines.length - 1 ? l.text : l.text + l.eol)).join('');
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = 1 + Math.floor(random() * (random() < 0.5 ? 40 : 2000));
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }

    const { out, stats, skipped } = await pump(chunks);

    const expected = lines
      .filter((l) => l.forwarded)
      .map((l) => l.text + (noFinalNewline && l === lines.at(-1) ? '\n' : l.eol))
      .join('');
    expect(out).toBe(expected);
    const totals = stats.streamStats();
    for (const name of ['users', 'orders'] as const) {
      const mine = lines.filter((l) => l.stream === name);
      const s = totals.find((t) => t.name === name)!;
      expect(s.recordsEmitted).toBe(mine.length);
      // bytes: the line without its terminator (a CR may be counted when it straddles chunks)
      const bytes = mine.reduce((sum, l) => sum + Buffer.byteLength(l.text), 0);
      expect(s.bytesEmitted).toBeGreaterThanOrEqual(bytes);
      expect(s.bytesEmitted).toBeLessThanOrEqual(bytes + mine.filter((l) => l.eol === '\r\n').length);
    }
    expect(skipped).toEqual(lines.filter((l) => !l.forwarded && l.text !== '').map((l) => l.text));
  });
});
