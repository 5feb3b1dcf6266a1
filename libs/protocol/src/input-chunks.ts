/**
 * A destination's stdin, chunk by chunk, read into one buffer reused for every read: no
 * allocation per read, so a destination that keeps up with hundreds of MB/s does not spend
 * its CPU collecting garbage. `onChunk` gets a view of that buffer, valid only during the
 * call (copy what you keep); while a promise it returns is pending, reading waits. A stdin
 * that is a file (not a pipe or socket) is read the ordinary way.
 */
import { createReadStream, fstatSync } from 'node:fs';
import { Socket, type SocketConstructorOpts } from 'node:net';

const INPUT_CHUNK_BYTES = 256 * 1024;

export type ChunkHandler = (chunk: Buffer) => void | Promise<void>;

export async function readInputChunks(onChunk: ChunkHandler, fd = 0, bufferBytes = INPUT_CHUNK_BYTES): Promise<void> {
  const stat = fstatSync(fd);
  if (!stat.isFIFO() && !stat.isSocket()) {
    for await (const chunk of createReadStream('', { fd, autoClose: false })) await onChunk(chunk as Buffer);
    return;
  }
  const buffer = Buffer.allocUnsafeSlow(bufferBytes);
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      socket.destroy();
      reject(error);
    };
    let handling: Promise<void> = Promise.resolve();
    // `onread` is a documented option of net.Socket that @types/node lists only for connect()
    const options = {
      fd,
      readable: true,
      writable: false,
      onread: {
        buffer,
        callback: (bytes: number): boolean => {
          let result: void | Promise<void>;
          try {
            result = onChunk(buffer.subarray(0, bytes));
          } catch (error) {
            fail(error);
            return false;
          }
          if (!(result instanceof Promise)) return true;
          // paused until the handler is done with the buffer
          handling = result.then(() => {
            if (!failed) socket.resume();
          }, fail);
          return false;
        },
      },
    } as SocketConstructorOpts;
    const socket = new Socket(options);
    socket.on('end', () => void handling.then(() => !failed && resolve()));
    socket.on('error', fail);
  });
}
