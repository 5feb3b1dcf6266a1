import { fstatSync, ftruncateSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openFiles } from '@tributary/testing';
import { SpillInput } from './spill-input.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spill-input-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A destination's stdin that takes `bytesPerTick` every `tickMs` (a destination slower than its source). */
class SlowSink extends Writable {
  readonly received: Buffer[] = [];
  receivedBytes = 0;
  constructor(
    private readonly bytesPerTick: number,
    private readonly tickMs: number,
  ) {
    super({ highWaterMark: 64 * 1024 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    // copied: the writer may reuse its buffer once called back
    this.received.push(Buffer.from(chunk));
    this.receivedBytes += chunk.length;
    setTimeout(callback, Math.ceil(chunk.length / this.bytesPerTick) * this.tickMs);
  }
}

/** Chunk k of a numbered byte sequence: every byte says where it belongs. */
function fillChunk(buf: Buffer, k: number): void {
  for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE((k * buf.length + i) >>> 0, i);
}

/**
 * Writes `count` chunks as the pump does: without waiting for each, but never more than
 * `queueBytes` queued, each buffer reused as soon as its write is called back (so a byte handed
 * on too early would show up as the wrong number). Resolves when the last write was called
 * back, with how much the sink had then.
 */
async function writeAll(
  input: Writable,
  sink: SlowSink,
  count: number,
  chunkBytes: number,
  queueBytes = 4 * 1024 * 1024,
): Promise<{ sinkBytesAtLastCallback: number }> {
  const free: Buffer[] = [];
  let calledBack = 0;
  let wake: (() => void) | undefined;
  for (let k = 0; k < count; k++) {
    while (input.writableLength >= queueBytes) await new Promise<void>((resolve) => (wake = resolve));
    const buf = free.pop() ?? Buffer.alloc(chunkBytes);
    fillChunk(buf, k);
    input.write(buf, (err) => {
      if (err) throw err;
      calledBack++;
      free.push(buf);
      wake?.();
    });
  }
  while (calledBack < count) await new Promise<void>((resolve) => (wake = resolve));
  return { sinkBytesAtLastCallback: sink.receivedBytes };
}

function expectSequence(sink: SlowSink, count: number, chunkBytes: number): void {
  const all = Buffer.concat(sink.received);
  expect(all.length).toBe(count * chunkBytes);
  for (let i = 0; i < all.length; i += 4) {
    if (all.readUInt32LE(i) !== i >>> 0) throw new Error(`byte ${i} holds ${all.readUInt32LE(i)}`);
  }
}

const finished = (w: Writable) => new Promise<void>((resolve) => w.once('finish', () => resolve()));

describe('SpillInput', () => {
  it('takes writes at once while the destination lags, and hands it every byte in order', async () => {
    const sink = new SlowSink(256 * 1024, 2); // ~128 MB/s at best, much less with timer slack
    const input = new SpillInput(sink, { path: join(dir, 'spill'), spillAfterBytes: 256 * 1024, maxBytes: 64 * 1024 * 1024 });
    const sinkFinished = finished(sink);
    const count = 512;
    const chunkBytes = 64 * 1024; // 32 MiB in all
    const { sinkBytesAtLastCallback } = await writeAll(input, sink, count, chunkBytes);
    // the writer was done long before the destination: the rest waited in the file
    expect(sinkBytesAtLastCallback).toBeLessThan((count * chunkBytes) / 2);
    expect(input.unreadBytes).toBeGreaterThan(0);
    // the file has no name: nothing in its directory, even while in use
    expect(await readdir(dir)).toEqual([]);
    input.end();
    await sinkFinished;
    expectSequence(sink, count, chunkBytes);
    expect(input.spill.spilledBytes).toBeGreaterThan((count * chunkBytes) / 2);
    expect(input.spill.maxUnreadBytes).toBeGreaterThan(0);
    expect(input.unreadBytes).toBe(0);
  });

  it('holds the file to maxBytes: writes wait beyond it, and nothing is lost', async () => {
    const sink = new SlowSink(128 * 1024, 1);
    const maxBytes = 2 * 1024 * 1024;
    const input = new SpillInput(sink, { path: join(dir, 'spill'), spillAfterBytes: 128 * 1024, maxBytes });
    const sinkFinished = finished(sink);
    let mostUnread = 0;
    const watch = setInterval(() => (mostUnread = Math.max(mostUnread, input.unreadBytes)), 1);
    await writeAll(input, sink, 256, 32 * 1024, 512 * 1024); // 8 MiB, at most 512 KiB queued
    input.end();
    await sinkFinished;
    clearInterval(watch);
    expectSequence(sink, 256, 32 * 1024);
    expect(input.spill.spilledBytes).toBeGreaterThan(maxBytes);
    expect(input.spill.maxUnreadBytes).toBeLessThanOrEqual(maxBytes);
    expect(mostUnread).toBeLessThanOrEqual(maxBytes);
  });

  it('writes the file as a ring of maxBytes, from its start again once drained: it never grows past that', async () => {
    const sink = new SlowSink(128 * 1024, 1);
    const maxBytes = 1024 * 1024 + 5000; // not a multiple of the writes: some of them wrap around the ring's end
    const path = join(dir, 'spill');
    const input = new SpillInput(sink, { path, spillAfterBytes: 128 * 1024, maxBytes });
    const sinkFinished = finished(sink);
    let fd: number | undefined;
    let largestFile = 0;
    let drainedAfterSpilling = false;
    const watch = setInterval(() => {
      void openFiles('self').then((files) => (fd ??= files.find((f) => f.target === `${path} (deleted)`)?.fd));
      if (fd !== undefined) largestFile = Math.max(largestFile, fstatSync(fd).size);
      if (input.spill.spilledBytes > 0 && input.unreadBytes === 0) drainedAfterSpilling = true;
    }, 1);
    // 8 MiB in two bursts, with a pause between them for the file to drain
    await writeAll(input, sink, 128, 32 * 1024, 512 * 1024);
    await vi.waitFor(() => expect(input.unreadBytes).toBe(0), { timeout: 10_000, interval: 5 });
    await writeAll(input, sink, 128, 32 * 1024, 512 * 1024);
    input.end();
    await sinkFinished;
    clearInterval(watch);
    // the sequence numbers go on from the first burst's: fillChunk numbers each burst from 0
    const all = Buffer.concat(sink.received);
    expect(all.length).toBe(2 * 128 * 32 * 1024);
    for (let i = 0; i < all.length; i += 4) {
      const expected = i % (128 * 32 * 1024);
      if (all.readUInt32LE(i) !== expected) throw new Error(`byte ${i} holds ${all.readUInt32LE(i)}, not ${expected}`);
    }
    expect(drainedAfterSpilling).toBe(true);
    expect(input.spill.spilledBytes).toBeGreaterThan(4 * maxBytes);
    expect(fd).toBeDefined();
    expect(largestFile).toBeGreaterThan(maxBytes / 2);
    expect(largestFile).toBeLessThanOrEqual(maxBytes);
  });

  it('hands small writes straight on when the destination keeps up', async () => {
    const sink = new SlowSink(1024 * 1024, 0);
    const input = new SpillInput(sink, { path: join(dir, 'spill'), spillAfterBytes: 1024 * 1024, maxBytes: 64 * 1024 * 1024 });
    const sinkFinished = finished(sink);
    await writeAll(input, sink, 64, 16 * 1024);
    input.end();
    await sinkFinished;
    expectSequence(sink, 64, 16 * 1024);
    expect(input.spill.spilledBytes).toBe(0);
  });

  it('goes on without a file when it cannot make one, and says so once', async () => {
    const sink = new SlowSink(64 * 1024, 1);
    const errors: string[] = [];
    const input = new SpillInput(sink, {
      path: join(dir, 'no-such-dir', 'spill'),
      spillAfterBytes: 64 * 1024,
      maxBytes: 64 * 1024 * 1024,
      onFileError: (err) => errors.push(err.message),
    });
    const sinkFinished = finished(sink);
    await writeAll(input, sink, 128, 32 * 1024);
    input.end();
    await sinkFinished;
    expectSequence(sink, 128, 32 * 1024);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ENOENT/);
    expect(input.spill.spilledBytes).toBe(0);
  });

  it('is destroyed with its destination: the file is closed, no error is raised, later writes go nowhere', async () => {
    const sink = new SlowSink(64 * 1024, 5);
    const input = new SpillInput(sink, { path: join(dir, 'spill'), spillAfterBytes: 64 * 1024, maxBytes: 64 * 1024 * 1024 });
    const errors: Error[] = [];
    input.on('error', (err) => errors.push(err));
    await writeAll(input, sink, 64, 64 * 1024);
    expect(input.unreadBytes).toBeGreaterThan(0);
    const before = sink.receivedBytes;
    sink.destroy();
    await new Promise((resolve) => input.once('close', resolve));
    await input.dispose();
    expect(input.destroyed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.receivedBytes).toBe(before);
    expect(errors).toEqual([]);
  });

  it('fails when the file cannot be read back, and hands the destination nothing after what it could not read', async () => {
    const sink = new SlowSink(64 * 1024, 5);
    const path = join(dir, 'spill');
    const input = new SpillInput(sink, { path, spillAfterBytes: 64 * 1024, maxBytes: 64 * 1024 * 1024 });
    const failed = new Promise<Error>((resolve) => input.once('error', resolve));
    const chunkBytes = 64 * 1024;
    await writeAll(input, sink, 64, chunkBytes);
    expect(input.unreadBytes).toBeGreaterThan(chunkBytes);
    // the file is cut short under it (its fd, found by name: the file is unlinked but still open)
    const spillFiles = (await openFiles('self')).filter((f) => f.target === `${path} (deleted)`);
    expect(spillFiles).toHaveLength(1);
    ftruncateSync(spillFiles[0]!.fd, 0);
    const err = await failed;
    expect(err.message).toMatch(/^the spill file could not be read back: read 0 of \d+ bytes$/);
    await input.dispose();
    expect(sink.destroyed).toBe(true);
    // what it received is the start of the sequence, whole: no gap, nothing out of order, not all of it
    const received = Buffer.concat(sink.received);
    expect(received.length).toBeLessThan(64 * chunkBytes);
    expect(received.length % 4).toBe(0);
    for (let i = 0; i < received.length; i += 4) {
      if (received.readUInt32LE(i) !== i >>> 0) throw new Error(`byte ${i} holds ${received.readUInt32LE(i)}`);
    }
    expect(input.delivered).toBe(false);
  });

  it("destroying it destroys the destination's stdin and drops what waited", async () => {
    const sink = new SlowSink(64 * 1024, 5);
    const input = new SpillInput(sink, { path: join(dir, 'spill'), spillAfterBytes: 64 * 1024, maxBytes: 64 * 1024 * 1024 });
    await writeAll(input, sink, 64, 64 * 1024);
    input.destroy();
    await input.dispose();
    expect(sink.destroyed).toBe(true);
    expect(sink.receivedBytes).toBeLessThan(64 * 64 * 1024);
  });
});
