import { describe, expect, it } from 'vitest';
import { EventEmitter, once } from 'node:events';
import { PassThrough, Writable, type Readable } from 'node:stream';
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

/** What the pump needs of a socket in onread mode: pause/resume and 'end'. */
class ReaderSocket extends EventEmitter {
  paused = false;
  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    this.emit('resumed');
    return this;
  }
}

/** reader: the bytes go through pump.reader like net.Socket's onread, in random read sizes. */
interface ReaderMode {
  slotBytes: number;
  maxQueuedBytes: number;
  random: () => number;
}

async function pump(
  chunks: Buffer[],
  reader?: ReaderMode,
): Promise<{ out: string; stats: ReplicationStats; skipped: string[]; pauses: number }> {
  const source = reader ? new ReaderSocket() : new PassThrough();
  const received: Buffer[] = [];
  // a slow-ish destination with a small buffer, so backpressure kicks in too
  const destination = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      // copied when done: the bytes must stay intact until the write completes
      setImmediate(() => {
        received.push(Buffer.from(chunk));
        cb();
      });
    },
  });
  const stats = new ReplicationStats(catalog);
  const skipped: string[] = [];
  let p!: SourcePump;
  const done = new Promise<void>((resolve) => {
    p = new SourcePump({
      destination,
      ...(reader ? { slotBytes: reader.slotBytes, maxQueuedBytes: reader.maxQueuedBytes } : {}),
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
    p.start(source as unknown as Readable, reader !== undefined);
  });
  if (source instanceof PassThrough) {
    for (const c of chunks) source.write(c);
    source.end();
  } else {
    const bytes = Buffer.concat(chunks);
    const random = reader!.random;
    // as net.Socket does: buffer() once, then after every read
    let target = p.reader.buffer();
    for (let at = 0; at < bytes.length;) {
      if (source.paused) await once(source, 'resumed');
      const n = Math.min(target.length, bytes.length - at, 1 + Math.floor(random() * (random() < 0.5 ? 40 : 3000)));
      bytes.copy(target, 0, at, at + n);
      // scribble over the rest: the pump must not rely on what a read did not write
      target.fill(0x0a, n);
      at += n;
      const more = p.reader.onRead(n);
      target = p.reader.buffer();
      if (!more) expect(source.paused).toBe(true);
      if (random() < 0.3) await new Promise((r) => setImmediate(r));
    }
    source.emit('end');
  }
  await done;
  return { out: Buffer.concat(received).toString(), stats, skipped, pauses: p.backpressure.sourcePauses };
}

describe('SourcePump', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('forwards exactly the record and state lines, whatever the chunking (seed %i)', (seed) =>
    checkForwarding(seed, false),
  );

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('forwards exactly the same through its reader, in its own buffers (seed %i)', (seed) =>
    checkForwarding(seed, true),
  );
});

async function checkForwarding(seed: number, viaReader: boolean): Promise<void> {
  {
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

    // small slots, so that lines are cut, moved to the next slot and too long for one
    const slotBytes = [256, 1024, 4096][seed % 3]!;
    const { out, stats, skipped, pauses } = await pump(
      chunks,
      viaReader ? { slotBytes, maxQueuedBytes: 4 * slotBytes, random } : undefined,
    );
    if (viaReader) expect(pauses).toBeGreaterThan(0);

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
  }
}
