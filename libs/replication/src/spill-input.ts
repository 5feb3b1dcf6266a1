/**
 * The destination's input, with a file to hold what it cannot take yet.
 *
 * Without it, a destination that falls behind pauses the source once the engine's queue is
 * full (a few MiB). Often the destination only falls behind for a while: one stream costs it
 * more than the source takes to print it, the next costs it less, or it stops to commit. A
 * source held back meanwhile finishes later than it could have, and the destination, having
 * caught up, then waits for it. So once a write finds a backlog of `spillAfterBytes`, what
 * comes next is appended to a file instead of queued in memory, and fed to the destination
 * from there, in order, as fast as it reads; once the file is drained, writes go straight to
 * the destination again. The file holds at most `maxBytes` unread; beyond that, writes wait
 * (and the source is paused, as before). The page cache keeps a file that size in memory
 * anyway, outside the worker's heap. The file is a ring of `maxBytes`: data wraps around to
 * its start, and a drained file is written from its start again, not truncated: its size stays
 * within `maxBytes` however long the destination stays behind, and the pages the kernel gave
 * it are reused rather than freed and allocated again for every MiB that goes through (a VM
 * that backs its memory lazily makes a new page cost far more than a write; in
 * bench:real-source the worker's file I/O took a median 0.22 s of CPU per sync, 0.12 s so).
 *
 * Nothing changes for what the destination receives: the same bytes in the same order.
 * Write callbacks mean "handed on" (to the pipe or to the file): the caller may then reuse
 * its buffer, as the pump reuses its slots. The file has no name once open (it is removed
 * from its directory at once) and is closed when the input ends, is destroyed, or when the
 * destination's stdin closes. A failing file (a full disk) is not an error: spilling stops,
 * what the file holds is still fed, then writes go straight on.
 *
 * With or without a file, `delivered` says when the destination has all of its input (every
 * write reached its stdin, which was then ended): end() alone does not, and a destination that
 * exits before that has not seen the end of its input. Without a path it never spills.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

export interface SpillOptions {
  /** the file to use (created on the first spill); none: writes always go straight on (only `delivered` is of use then) */
  path?: string;
  /** a write that finds at least this many bytes waiting goes to the file */
  spillAfterBytes: number;
  /** the most the file holds unread */
  maxBytes: number;
  /** spilling stopped because the file failed (once) */
  onFileError?: (err: Error) => void;
}

/** How much went through the file. */
export interface SpillStats {
  /** every byte that went through the file */
  spilledBytes: number;
  /** the most the file held unread at once */
  maxUnreadBytes: number;
}

/**
 * What a replication's spill file holds unread at most, and its size (a ring), by default (ReplicationOptions.spillMaxBytes):
 * a destination's stall (a commit, a swap) or a stream that costs it more than the next one
 * (bench:real-source's customers: at most 28-70 MiB waited at once), not a whole sync into a
 * destination that is slower throughout (that one sets the pace whatever the file holds).
 */
export const DEFAULT_SPILL_MAX_BYTES = 128 * 1024 * 1024;

/**
 * A write of this much at once means the destination has fallen behind: the writes queued
 * while its last one was still on its way. Below the pump's own queue (4 MiB), so the file
 * takes over before the source would be paused; above most of a Python CDK source's bursts
 * (see QueueBudget), which the destination takes in stride. Measured on bench:real-source:
 * with 1 MiB, 303 of its 335 MB went through the file; with 3 MiB, 260 (its costly stream),
 * the source never paused with either.
 */
export const SPILL_AFTER_BYTES = 3 * 1024 * 1024;

/** what the feeder reads from the file at once */
const FEED_BLOCK_BYTES = 1024 * 1024;

/** The buffers split at `bytes`: those before, those from there on (a buffer across it in two views). */
function splitBuffers(buffers: Buffer[], bytes: number): [Buffer[], Buffer[]] {
  const first: Buffer[] = [];
  let k = 0;
  for (; k < buffers.length && bytes > 0; k++) {
    const b = buffers[k]!;
    if (b.length <= bytes) {
      first.push(b);
      bytes -= b.length;
      continue;
    }
    first.push(b.subarray(0, bytes));
    return [first, [b.subarray(bytes), ...buffers.slice(k + 1)]];
  }
  return [first, buffers.slice(k)];
}

/** Writes the buffers at `position`, all of them. */
async function writeAllAt(file: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let bytes = 0;
  for (const b of buffers) bytes += b.length;
  const { bytesWritten } = await file.writev(buffers, position);
  if (bytesWritten !== bytes) throw new Error(`wrote ${bytesWritten} of ${bytes} bytes`);
}

type Chunks = { chunk: Buffer }[];

export class SpillInput extends Writable {
  readonly spill: SpillStats = { spilledBytes: 0, maxUnreadBytes: 0 };
  private file: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;
  /** file operations, one at a time (appends, reads) */
  private fileOps: Promise<unknown> = Promise.resolve();
  /** bytes appended to the file / read back from it since it was last emptied (at file offsets modulo maxBytes) */
  private written = 0;
  private read = 0;
  private appending = 0;
  private feeding = false;
  /** a write that waits for the file to drain (it is full, or has failed) */
  private held: { chunks: Chunks; bytes: number; callback: (err?: Error | null) => void } | undefined;
  private fileFailed = false;
  private fileClosed: Promise<void> | undefined;
  private finalCallback: ((err?: Error | null) => void) | undefined;
  private feedBlock: Buffer | undefined;
  private stdinEnded = false;
  /** a write to the stdin failed (the destination is gone): what it held never arrived */
  private stdinFailed = false;

  constructor(
    private readonly stdin: Writable,
    private readonly options: SpillOptions,
  ) {
    // the input ends with the stdin's end; destroying it must not drop what stdin still holds
    super({ autoDestroy: false });
    stdin.once('close', () => {
      if (!this.destroyed) this.destroy();
    });
  }

  /**
   * Everything written was handed to the destination's stdin (none of it failed) and it was ended: only then has a
   * destination that exits seen the end of its input (end() alone says nothing of what still
   * waits in the file).
   */
  get delivered(): boolean {
    return this.stdinEnded && !this.stdinFailed;
  }

  /** bytes in the file, not yet fed to the destination */
  get unreadBytes(): number {
    return this.written + this.appending - this.read;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _writev(chunks: Chunks, callback: (err?: Error | null) => void): void {
    let bytes = 0;
    for (const { chunk } of chunks) bytes += chunk.length;
    if (this.unreadBytes > 0 || (bytes >= this.options.spillAfterBytes && this.options.path !== undefined && !this.fileFailed)) {
      // the file has data (this must come after it), or the destination has fallen behind
      if (this.fileFailed || this.unreadBytes + bytes > this.options.maxBytes) {
        // it goes on once the file has room, or straight to the destination once the file is drained
        this.held = { chunks, bytes, callback };
        this.feed();
      } else this.append(chunks, bytes, callback);
      return;
    }
    this.passOn(chunks, callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.finalCallback = callback;
    this.endIfDrained();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.stdin.destroyed && !this.stdin.writableFinished) this.stdin.destroy();
    this.held = undefined;
    void this.closeFile().then(() => callback(err));
  }

  /** Destroys the input unless it ended; resolves once the file is closed (its space freed). */
  async dispose(): Promise<void> {
    if (!this.destroyed && !this.writableFinished) this.destroy();
    await this.closeFile();
  }

  /** Straight to the destination; the callback once stdin has written it all. */
  private passOn(chunks: Chunks, callback: (err?: Error | null) => void): void {
    const last = chunks.length - 1;
    if (last > 0) this.stdin.cork();
    for (let k = 0; k < last; k++) this.stdin.write(chunks[k]!.chunk);
    // writes end in order: when one fails, so do all after it, the last one included
    this.stdin.write(chunks[last]!.chunk, (err) => {
      if (err) this.stdinFailed = true;
      callback();
    });
    if (last > 0) this.stdin.uncork();
  }

  private append(chunks: Chunks, bytes: number, callback: (err?: Error | null) => void): void {
    const at = (this.written + this.appending) % this.options.maxBytes;
    this.appending += bytes;
    this.fileOp(async () => {
      const file = await this.openFile();
      // up to the ring's end, then the rest from its start (unread data is never that far on)
      const [first, rest] = splitBuffers(
        chunks.map((c) => c.chunk),
        this.options.maxBytes - at,
      );
      await writeAllAt(file, first, at);
      if (rest.length > 0) await writeAllAt(file, rest, 0);
    }).then(
      () => {
        this.appending -= bytes;
        this.written += bytes;
        this.spill.spilledBytes += bytes;
        if (this.unreadBytes > this.spill.maxUnreadBytes) this.spill.maxUnreadBytes = this.unreadBytes;
        callback();
        this.feed();
      },
      (err: Error) => {
        this.appending -= bytes;
        this.failFile(err);
        // the bytes are still the caller's: they go on after what the file holds
        this.held = { chunks, bytes, callback };
        this.feed();
      },
    );
  }

  /** Feeds the file's data to the destination, one block at a time, until it is drained. */
  private feed(): void {
    if (this.feeding || this.destroyed) return;
    this.feeding = true;
    void this.feedLoop();
  }

  private async feedLoop(): Promise<void> {
    try {
      await this.feedUntilDrained();
    } finally {
      // cleared as the loop returns, not a tick later: a feed() from then on starts it again
      this.feeding = false;
    }
  }

  private async feedUntilDrained(): Promise<void> {
    while (!this.destroyed) {
      if (this.read < this.written) {
        const at = this.read % this.options.maxBytes;
        const n = Math.min(FEED_BLOCK_BYTES, this.written - this.read, this.options.maxBytes - at);
        let block: Buffer;
        try {
          block = await this.fileOp(async () => {
            const into = (this.feedBlock ??= Buffer.allocUnsafeSlow(FEED_BLOCK_BYTES));
            const { bytesRead } = await this.file!.read(into, 0, n, at);
            if (bytesRead !== n) throw new Error(`read ${bytesRead} of ${n} bytes`);
            return into.subarray(0, n);
          });
        } catch (err) {
          // what the file held cannot reach the destination: nothing after it may either
          this.destroy(new Error(`the spill file could not be read back: ${(err as Error).message}`));
          return;
        }
        this.read += n;
        if (!(await this.toStdin(block))) return;
        this.takeHeldIfItFits();
        continue;
      }
      if (this.appending > 0) return; // the append in flight calls feed() again
      // drained: the file starts over from its start (its pages kept), and a write that waited goes on
      this.written = this.read = 0;
      const held = this.held;
      if (held) {
        this.held = undefined;
        this.passOn(held.chunks, held.callback);
      }
      this.endIfDrained();
      return;
    }
  }

  /** A held write goes to the file once there is room again (and the file still works). */
  private takeHeldIfItFits(): void {
    const held = this.held;
    if (!held || this.fileFailed || this.unreadBytes + held.bytes > this.options.maxBytes) return;
    this.held = undefined;
    this.append(held.chunks, held.bytes, held.callback);
  }

  /** Writes a block to stdin and waits until it is written (the block is then reused); false if stdin failed. */
  private toStdin(block: Buffer): Promise<boolean> {
    if (this.stdin.destroyed || this.stdin.writableEnded) return Promise.resolve(false);
    return new Promise((resolve) =>
      this.stdin.write(block, (err) => {
        if (err) this.stdinFailed = true;
        resolve(!err);
      }),
    );
  }

  private endIfDrained(): void {
    const callback = this.finalCallback;
    if (!callback || this.unreadBytes > 0 || this.held) return;
    this.finalCallback = undefined;
    this.stdinEnded = true;
    this.stdin.end();
    void this.closeFile().then(() => callback());
  }

  private failFile(err: Error): void {
    if (this.fileFailed) return;
    this.fileFailed = true;
    this.options.onFileError?.(err);
  }

  private fileOp<T>(op: () => Promise<T>): Promise<T> {
    const result = this.fileOps.then(op);
    this.fileOps = result.catch(() => undefined);
    return result;
  }

  /** The file, removed from its directory as soon as it is open: nothing is left behind, even by a worker killed with -9. */
  private openFile(): Promise<FileHandle> {
    const path = this.options.path!;
    this.opening ??= open(path, 'wx+').then(async (file) => {
      await rm(path).catch(async (err: unknown) => {
        await file.close();
        throw err;
      });
      return (this.file = file);
    });
    return this.opening;
  }

  /** Closes the file (its space is freed then), once the operations on it are done. */
  private closeFile(): Promise<void> {
    this.fileClosed ??= this.fileOps.then(async () => {
      const file = await this.opening?.catch(() => undefined);
      await file?.close().catch(() => undefined);
    });
    return this.fileClosed;
  }
}
