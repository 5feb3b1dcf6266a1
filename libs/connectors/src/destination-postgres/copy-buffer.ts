/**
 * COPY data waiting to be sent, as UTF-8 bytes outside the JS heap. Appending each row
 * to a big JS string instead keeps megabytes of string fragments alive until the flush,
 * which the garbage collector then copies around (measured: most of the CPU time).
 * COPY data is a plain byte stream: rows may straddle chunk boundaries.
 */
const CHUNK_BYTES = 1024 * 1024;

export class CopyBuffer {
  private chunks: Buffer[] = [];
  // allocated on first use: a stream that receives nothing costs nothing
  private current: Buffer = Buffer.alloc(0);
  private position = 0;
  /** bytes appended since the last take() */
  bytes = 0;

  append(text: string): void {
    // a UTF-16 code unit never needs more than 3 bytes of UTF-8
    if (this.current.length - this.position < text.length * 3) this.startChunk(text.length * 3);
    const written = this.current.write(text, this.position, 'utf8');
    this.position += written;
    this.bytes += written;
  }

  /** The buffered bytes; the buffer starts empty again. */
  take(): Buffer[] {
    if (this.position > 0) this.chunks.push(this.current.subarray(0, this.position));
    const chunks = this.chunks;
    this.chunks = [];
    this.current = Buffer.alloc(0);
    this.position = 0;
    this.bytes = 0;
    return chunks;
  }

  private startChunk(minBytes: number): void {
    if (this.position > 0) this.chunks.push(this.current.subarray(0, this.position));
    this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, minBytes));
    this.position = 0;
  }
}
