import { describe, expect, it } from 'vitest';
import { EventEmitter, once } from 'node:events';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { decodeLine, type ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { pythonDumps } from '@tributary/testing/replication';
import { DestinationNames } from './destination-names.js';
import { SelectedFields } from './field-selection.js';
import { RecordPeeker } from './record-peek.js';
import { RecordRewriter } from './record-rewrite.js';
import { QueueBudget } from './queue-budget.js';
import { FORWARD, SKIP, SourcePump, type SlowLineAnswer } from './source-pump.js';
import { ReplicationStats } from './stats.js';
import { StreamCatalog } from './stream-catalog.js';

const catalogOf = (...streams: { name: string; namespace?: string }[]) =>
  new StreamCatalog({
    streams: streams.map((s) => ({
      stream: { ...s, json_schema: {}, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    })),
  } satisfies ConfiguredAirbyteCatalog);

const catalog = catalogOf({ name: 'users' }, { name: 'orders' });

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

/** The lines as the source writes them (the last one maybe without its newline), cut into random chunks. */
function randomChunks(lines: Line[], noFinalNewline: boolean, random: () => number): Buffer[] {
  const text = lines.map((l, i) => (noFinalNewline && i === lines.length - 1 ? l.text : l.text + l.eol)).join('');
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(random() * (random() < 0.5 ? 40 : 2000));
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
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
  /** to borrow from beyond maxQueuedBytes (none by default, so the own queue's limit is what is tested) */
  budget?: QueueBudget;
}

/** The streams, and their destination names and selected fields when records are renamed or trimmed on the way. */
interface Streams {
  catalog: StreamCatalog;
  names?: DestinationNames;
  selected?: SelectedFields;
  /** the staging block size when renaming */
  stageBytes?: number;
}

async function pump(
  chunks: Buffer[],
  reader?: ReaderMode,
  streams: Streams = { catalog },
): Promise<{ out: string; stats: ReplicationStats; skipped: string[]; pauses: number }> {
  const { catalog, names, selected, stageBytes } = streams;
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
  const peeker = new RecordPeeker(catalog);
  const done = new Promise<void>((resolve) => {
    p = new SourcePump({
      destination,
      ...(reader ? { slotBytes: reader.slotBytes, maxQueuedBytes: reader.maxQueuedBytes } : {}),
      queueBudget: reader?.budget ?? new QueueBudget(0),
      ...(stageBytes ? { stageBytes } : {}),
      peeker,
      ...(names || selected
        ? {
            rewriter: new RecordRewriter(
              peeker,
              names ? names.recordHeads() : catalog.streams.map(() => undefined),
              catalog.streams.map((ref) => ref.namespace !== undefined),
              selected,
            ),
          }
        : {}),
      stats,
      maxLineBytes: 1_000_000,
      slowLine: (line): SlowLineAnswer => {
        const d = decodeLine(line);
        if (d.kind === 'message' && d.message.type === 'RECORD') {
          // what replicate()'s full-parse path does
          const m = d.message;
          const ref = catalog.lookup(m.record.stream, m.record.namespace)!;
          stats.bucketRecords[ref.index] = stats.bucketRecords[ref.index]! + 1;
          const data = selected?.data(ref.index, m.record.data) ?? m.record.data;
          const trimmed = data === m.record.data ? m : { ...m, record: { ...m.record, data } };
          const renamed = names?.record(trimmed, ref) ?? trimmed;
          const out = renamed === m ? undefined : Buffer.from(JSON.stringify(renamed));
          stats.bucketBytes[ref.index] = stats.bucketBytes[ref.index]! + (out && trimmed !== m ? out.length : line.length);
          return out ?? FORWARD;
        }
        if (d.kind === 'message' && d.message.type === 'STATE') {
          const renamed = names?.state(d.message.state) ?? d.message.state;
          return renamed === d.message.state ? FORWARD : Buffer.from(JSON.stringify({ ...d.message, state: renamed }));
        }
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

  it.each([1, 2, 3, 4])('forwards exactly the same through a ring that borrows slots and gives them back (seed %i)', (seed) =>
    checkForwarding(seed, true, new QueueBudget(6 * [256, 1024, 4096][seed % 3]!)),
  );
});

async function checkForwarding(seed: number, viaReader: boolean, budget?: QueueBudget): Promise<void> {
  {
    const random = rng(seed);
    const lines = makeLines(random, 400);
    const noFinalNewline = seed % 2 === 0;
    const chunks = randomChunks(lines, noFinalNewline, random);

    // small slots, so that lines are cut, moved to the next slot and too long for one
    const slotBytes = [256, 1024, 4096][seed % 3]!;
    const lent = budget?.available;
    const { out, stats, skipped, pauses } = await pump(
      chunks,
      viaReader ? { slotBytes, maxQueuedBytes: 4 * slotBytes, random, ...(budget ? { budget } : {}) } : undefined,
    );
    if (viaReader) expect(pauses).toBeGreaterThan(0);
    // every borrowed slot came back
    if (budget) expect(budget.available).toBe(lent);

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

// --- renaming streams for the destination --------------------------------------------

const shop = catalogOf({ name: 'users', namespace: 'shop' }, { name: 'orders' });

interface RenamedLine extends Line {
  /** what the destination must get, parsed */
  expected?: unknown;
  /** bytes the destination must get verbatim (no re-serialisation) */
  verbatim?: string;
}

function makeRenamedLines(random: () => number, count: number, names: DestinationNames): RenamedLine[] {
  const lines: RenamedLine[] = [];
  const to = (stream: 'users' | 'orders') => names.of(stream === 'users' ? 0 : 1);
  for (let i = 0; i < count; i++) {
    const r = random();
    const stream = random() < 0.5 ? 'users' : 'orders';
    const ns = stream === 'users' ? { namespace: 'shop' } : {};
    const eol = random() < 0.1 ? '\r\n' : '\n';
    // data that looks like record members, to trip anything that reads too far
    const data = { i, s: '}"namespace":"x"{ \\', pad: 'x'.repeat(Math.floor(random() * 300)) };
    const dest = to(stream);
    const expectedRecord = {
      type: 'RECORD',
      record: { stream: dest.name, ...(dest.namespace ? { namespace: dest.namespace } : {}), data, emitted_at: 1 },
    };
    const record = (text: string, verbatim?: string): RenamedLine => ({
      text,
      eol,
      forwarded: true,
      stream,
      expected: expectedRecord,
      ...(verbatim ? { verbatim } : {}),
    });
    if (r < 0.3) lines.push(record(JSON.stringify({ type: 'RECORD', record: { ...ns, stream, data, emitted_at: 1 } })));
    else if (r < 0.45)
      // Python's CDK: namespace last, spaced; the spacing after data survives the rename
      lines.push(
        record(pythonDumps({ type: 'RECORD', record: { stream, data, emitted_at: 1, ...ns } }), `${pythonDumps(data)}, "emitted_at": 1`),
      );
    else if (r < 0.6) lines.push(record(JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1, ...ns } })));
    else if (r < 0.65) lines.push(record(JSON.stringify({ type: 'RECORD', record: { data, emitted_at: 1, ...ns, stream } })));
    else if (r < 0.75) {
      const state = (name: string, namespace?: string) => ({
        type: 'STREAM',
        stream: { stream_descriptor: { name, ...(namespace ? { namespace } : {}) }, stream_state: { i } },
      });
      lines.push({
        text: JSON.stringify({ type: 'STATE', state: state(stream, ns.namespace) }),
        eol,
        forwarded: true,
        expected: { type: 'STATE', state: state(dest.name, dest.namespace) },
      });
    } else if (r < 0.8) {
      const global = (users: object, orders: object) => ({
        type: 'STATE',
        state: {
          type: 'GLOBAL',
          global: {
            shared_state: { i },
            stream_states: [
              { stream_descriptor: users, stream_state: { i } },
              { stream_descriptor: orders, stream_state: { i } },
            ],
          },
        },
      });
      lines.push({
        text: JSON.stringify(global({ name: 'users', namespace: 'shop' }, { name: 'orders' })),
        eol,
        forwarded: true,
        expected: global(to('users'), to('orders')),
      });
    } else if (r < 0.9)
      lines.push({ text: JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: `log ${i}` } }), eol, forwarded: false });
    else if (r < 0.95) lines.push({ text: `plain text ${i}`, eol, forwarded: false });
    else lines.push({ text: '', eol, forwarded: false });
  }
  return lines;
}

describe('SourcePump renaming streams', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('renames exactly the record and state lines, whatever the chunking (seed %i)', (seed) =>
    checkRenaming(seed, false),
  );

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('renames exactly the same through its reader (seed %i)', (seed) => checkRenaming(seed, true));
});

/**
 * The renaming and trimming checks' run: random chunks (a final newline or not), and slot and
 * staging block sizes picked by the seed, small so that they fill, are reused, and some pieces
 * are too big for one.
 */
function pumpRewriting(lines: Line[], seed: number, random: () => number, viaReader: boolean, streams: Omit<Streams, 'stageBytes'>) {
  const chunks = randomChunks(lines, seed % 4 < 2, random);
  const slotBytes = [256, 1024, 4096][seed % 3]!;
  const stageBytes = [512, 2048, 8192][(seed >> 1) % 3]!;
  return pump(chunks, viaReader ? { slotBytes, maxQueuedBytes: 4 * slotBytes, random } : undefined, { ...streams, stageBytes });
}

async function checkRenaming(seed: number, viaReader: boolean): Promise<void> {
  const random = rng(seed * 7919);
  // a prefix and a custom format rename both streams; 'destination' only the one with a namespace
  const names = DestinationNames.of(
    seed % 2 === 0 ? { namespace: { format: '${SOURCE_NAMESPACE}_raw' }, prefix: 'p_' } : { namespace: 'destination' },
    shop,
  )!;
  const lines = makeRenamedLines(random, 400, names);
  const { out, stats, skipped } = await pumpRewriting(lines, seed, random, viaReader, { catalog: shop, names });

  const forwarded = lines.filter((l) => l.forwarded);
  expect(out.endsWith('\n')).toBe(true);
  const outLines = out.slice(0, -1).split('\n');
  expect(outLines).toHaveLength(forwarded.length);
  forwarded.forEach((l, i) => {
    const line = outLines[i]!.replace(/\r$/, '');
    expect(JSON.parse(line)).toEqual(l.expected);
    if (l.verbatim) expect(line).toContain(l.verbatim);
  });
  const totals = stats.streamStats();
  for (const name of ['users', 'orders'] as const) {
    expect(totals.find((t) => t.name === name)!.recordsEmitted).toBe(lines.filter((l) => l.stream === name).length);
  }
  expect(skipped).toEqual(lines.filter((l) => !l.forwarded && l.text !== '').map((l) => l.text));
}

// --- trimming records to their selected fields ----------------------------------------

describe('SourcePump trimming records to their selected fields', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('trims exactly the selected stream, renamed or not, whatever the chunking (seed %i)', (seed) =>
    checkTrimming(seed, false),
  );

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('trims exactly the same through its reader (seed %i)', (seed) => checkTrimming(seed, true));
});

interface TrimmedLine extends RenamedLine {
  /** the line as the destination must get it, byte for byte */
  exact?: string;
}

async function checkTrimming(seed: number, viaReader: boolean): Promise<void> {
  const random = rng(seed * 104729);
  // odd seeds trim only; even ones also rename both streams
  const names = seed % 2 === 0 ? DestinationNames.of({ namespace: { format: '${SOURCE_NAMESPACE}_raw' }, prefix: 'p_' }, shop) : undefined;
  const selected = SelectedFields.of([{ stream: { name: 'users', namespace: 'shop' }, fields: ['i', 'big', 's'] }], shop)!;
  const lines: TrimmedLine[] = [];
  for (let i = 0; i < 400; i++) {
    const r = random();
    const stream = random() < 0.5 ? 'users' : 'orders';
    const eol = random() < 0.1 ? '\r\n' : '\n';
    const s = '}"namespace":"x"{ \\ ,"i":0';
    const pad = 'x'.repeat(Math.floor(random() * 300));
    // a number no parser keeps exactly: trimming must not re-encode it
    const dataText = `{"pad":"${pad}","i":${i},"big":12345678901234567890,"s":${JSON.stringify(s)},"z":[1,{"k":"}"}]}`;
    const keptText = `{"i":${i},"big":12345678901234567890,"s":${JSON.stringify(s)}}`;
    const ns = stream === 'users' ? '"namespace":"shop",' : '';
    const to = names?.of(stream === 'users' ? 0 : 1) ?? (stream === 'users' ? { name: 'users', namespace: 'shop' } : { name: 'orders' });
    const data = JSON.parse(stream === 'users' ? keptText : dataText) as unknown;
    const expected = (emitted: boolean) => ({
      type: 'RECORD',
      record: { stream: to.name, ...(to.namespace ? { namespace: to.namespace } : {}), data, ...(emitted ? { emitted_at: 1 } : {}) },
    });
    const record = (text: string, fastPath: boolean, emitted = true): TrimmedLine => {
      const exact = !names && stream === 'orders' ? text : !names && fastPath ? text.replace(dataText, keptText) : undefined;
      return {
        text,
        eol,
        forwarded: true,
        stream,
        expected: expected(emitted),
        ...(exact ? { exact } : {}),
        ...(fastPath ? { verbatim: stream === 'users' ? keptText : dataText } : {}),
      };
    };
    if (r < 0.3) lines.push(record(`{"type":"RECORD","record":{${ns}"stream":"${stream}","data":${dataText},"emitted_at":1}}`, true));
    else if (r < 0.45)
      lines.push(
        record(
          `{"type": "RECORD", "record": {${ns.replace(':', ': ').replace(',', ', ')}"stream": "${stream}", "data": ${dataText}, "emitted_at": 1}}`,
          true,
        ),
      );
    else if (r < 0.6)
      // Python's CDK: namespace last
      lines.push(
        record(
          `{"type":"RECORD","record":{"stream":"${stream}","data":${dataText},"emitted_at":1${ns ? `,${ns.slice(0, -1)}` : ''}}}`,
          true,
        ),
      );
    else if (r < 0.7)
      // another key order: the full-parse path
      lines.push(record(`{"record":{"data":${dataText},${ns}"stream":"${stream}"},"type":"RECORD"}`, false, false));
    else if (r < 0.8)
      lines.push({
        text: JSON.stringify({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { i }, stream_states: [] } } }),
        eol,
        forwarded: true,
        expected: { type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { i }, stream_states: [] } } },
      });
    else if (r < 0.9)
      lines.push({ text: JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: `log ${i}` } }), eol, forwarded: false });
    else if (r < 0.95) lines.push({ text: `plain text ${i}`, eol, forwarded: false });
    else lines.push({ text: '', eol, forwarded: false });
  }
  const { out, stats, skipped } = await pumpRewriting(lines, seed, random, viaReader, {
    catalog: shop,
    ...(names ? { names } : {}),
    selected,
  });

  const forwarded = lines.filter((l) => l.forwarded);
  const outLines = out
    .slice(0, -1)
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  expect(out.endsWith('\n')).toBe(true);
  expect(outLines).toHaveLength(forwarded.length);
  forwarded.forEach((l, i) => {
    const line = outLines[i]!;
    expect(JSON.parse(line)).toEqual(l.expected);
    if (l.verbatim) expect(line).toContain(l.verbatim);
    if (l.exact) expect(line).toBe(l.exact);
  });
  const totals = stats.streamStats();
  const users = totals.find((t) => t.name === 'users')!;
  const usersOut = outLines.filter((_, i) => forwarded[i]!.stream === 'users');
  expect(users.recordsEmitted).toBe(usersOut.length);
  // a trimmed record counts the bytes sent on
  expect(users.bytesEmitted).toBe(usersOut.reduce((sum, l) => sum + Buffer.byteLength(l), 0));
  expect(totals.find((t) => t.name === 'orders')!.recordsEmitted).toBe(lines.filter((l) => l.stream === 'orders').length);
  expect(skipped).toEqual(lines.filter((l) => !l.forwarded && l.text !== '').map((l) => l.text));
}

// --- bursts: a queue that borrows beyond its own size ------------------------------------

/** Records of 100 bytes each (LF included). */
const hundredByteRecords = (count: number): Buffer =>
  Buffer.from(
    Array.from({ length: count }, (_, i) => {
      const head = JSON.stringify({ type: 'RECORD', record: { stream: 'users', data: { i, pad: '' }, emitted_at: 1 } });
      return head.replace('"pad":""', `"pad":"${'x'.repeat(99 - head.length)}"`) + '\n';
    }).join(''),
  );

/**
 * A destination that takes nothing until let go (a destination busy with what it has), and
 * a pump in front of it. `feed` gives the pump `bytes` of records as the source would, and
 * answers how many it took before the pump paused the source.
 */
function stalledPump(viaReader: boolean, budget: QueueBudget) {
  const held: (() => void)[] = [];
  let stalled = true;
  const received: Buffer[] = [];
  const destination = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      const done = () => {
        received.push(Buffer.from(chunk));
        cb();
      };
      if (stalled) held.push(done);
      else setImmediate(done);
    },
  });
  const source = viaReader ? new ReaderSocket() : new PassThrough();
  let ended!: () => void;
  const end = new Promise<void>((resolve) => (ended = resolve));
  const p = new SourcePump({
    destination,
    slotBytes: 1024,
    maxQueuedBytes: 4096,
    maxBurstBytes: 32 * 1024,
    queueBudget: budget,
    peeker: new RecordPeeker(catalog),
    stats: new ReplicationStats(catalog),
    maxLineBytes: 1_000_000,
    slowLine: () => SKIP,
    onStopped: () => {},
    onLineTooLong: () => {},
    onEnd: () => destination.end(ended),
    onError: (err) => {
      throw err;
    },
  });
  p.start(source as unknown as Readable, viaReader);
  const paused = () => (source instanceof PassThrough ? source.isPaused() : source.paused);
  let target = viaReader ? p.reader.buffer() : Buffer.alloc(0);
  return {
    received,
    /** the bytes taken before the source was paused (all of them if it never was) */
    feed(bytes: Buffer): number {
      for (let at = 0; at < bytes.length;) {
        if (paused()) return at;
        const n = Math.min(bytes.length - at, 500, viaReader ? target.length : 500);
        if (source instanceof PassThrough) source.write(bytes.subarray(at, at + n));
        else {
          bytes.copy(target, 0, at, at + n);
          if (!p.reader.onRead(n)) source.pause();
          target = p.reader.buffer();
        }
        at += n;
      }
      return bytes.length;
    },
    /** lets the destination take what it holds, and all that comes after at once */
    release(): void {
      stalled = false;
      for (const done of held.splice(0)) done();
    },
    /** releases the destination, gives the pump `rest` a read at a time, then ends the source; resolves once all is through */
    async drain(rest: Buffer): Promise<void> {
      this.release();
      for (let at = 0; at < rest.length;) {
        if (paused()) await once(source, source instanceof PassThrough ? 'resume' : 'resumed');
        at += this.feed(rest.subarray(at));
        await new Promise((r) => setImmediate(r));
      }
      if (source instanceof PassThrough) source.end();
      else source.emit('end');
      await end;
    },
  };
}

describe('SourcePump bursts', () => {
  it.each([true, false])('takes a burst beyond its own queue at once when the budget lends (reader: %s)', async (viaReader) => {
    const burst = hundredByteRecords(200); // 20 KB, five times the own queue
    const budget = new QueueBudget(24 * 1024);
    const run = stalledPump(viaReader, budget);
    expect(run.feed(burst)).toBe(burst.length);
    expect(budget.available).toBeLessThan(24 * 1024);
    await run.drain(Buffer.alloc(0));
    expect(Buffer.concat(run.received).equals(burst)).toBe(true);
    expect(budget.available).toBe(24 * 1024);
  });

  it.each([true, false])('gives what it borrowed back as its queue drains, before the source ends (reader: %s)', async (viaReader) => {
    const budget = new QueueBudget(24 * 1024);
    const run = stalledPump(viaReader, budget);
    const burst = hundredByteRecords(200);
    expect(run.feed(burst)).toBe(burst.length);
    expect(budget.available).toBeLessThan(16 * 1024);
    run.release();
    while (Buffer.concat(run.received).length < burst.length) await new Promise((r) => setImmediate(r));
    // then a flow the destination keeps up with: the borrowed memory is not needed any more
    const flow = hundredByteRecords(400);
    for (let at = 0; at < flow.length; at += 500) {
      await new Promise((r) => setImmediate(r));
      expect(run.feed(flow.subarray(at, at + 500))).toBe(Math.min(500, flow.length - at));
    }
    await new Promise((r) => setImmediate(r));
    expect(budget.available).toBe(24 * 1024);
    await run.drain(Buffer.alloc(0));
    expect(Buffer.concat(run.received).equals(Buffer.concat([burst, flow]))).toBe(true);
    expect(budget.available).toBe(24 * 1024);
  });

  it.each([true, false])('pauses the source at its own queue when the budget has nothing to lend (reader: %s)', async (viaReader) => {
    const burst = hundredByteRecords(200);
    const budget = new QueueBudget(0);
    const run = stalledPump(viaReader, budget);
    const taken = run.feed(burst);
    expect(taken).toBeLessThan(burst.length);
    // its own 4 KiB and about a slot or a read more, never the whole burst
    expect(taken).toBeLessThanOrEqual(4096 + 2 * 1024);
    await run.drain(burst.subarray(taken));
    expect(Buffer.concat(run.received).equals(burst)).toBe(true);
    expect(budget.available).toBe(0);
  });

  it.each([true, false])('borrows no more than maxBurstBytes, nor what another queue holds (reader: %s)', async (viaReader) => {
    const burst = hundredByteRecords(600); // 60 KB
    const budget = new QueueBudget(40 * 1024);
    const first = stalledPump(viaReader, budget);
    const firstTook = first.feed(burst);
    // own 4 KiB + at most 28 KiB borrowed (maxBurstBytes 32 KiB), give or take a slot and a read
    expect(firstTook).toBeGreaterThan(24 * 1024);
    expect(firstTook).toBeLessThanOrEqual(32 * 1024 + 2 * 1024);
    const lentToFirst = 40 * 1024 - budget.available;
    expect(lentToFirst).toBeGreaterThan(0);
    const second = stalledPump(viaReader, budget);
    const secondTook = second.feed(burst);
    // what the first left: its own queue plus the rest of the budget
    expect(secondTook).toBeLessThanOrEqual(4096 + (40 * 1024 - lentToFirst) + 2 * 1024);
    expect(budget.available).toBeLessThanOrEqual(1024);
    await first.drain(burst.subarray(firstTook));
    await second.drain(burst.subarray(secondTook));
    expect(Buffer.concat(first.received).equals(burst)).toBe(true);
    expect(Buffer.concat(second.received).equals(burst)).toBe(true);
    expect(budget.available).toBe(40 * 1024);
  });
});
