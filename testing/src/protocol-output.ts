/** A connector's stdout as protocol messages, for tests that run one. */
import type { Readable } from 'node:stream';
import { decodeLine, readLines, type AirbyteMessage } from '@tributary/protocol';

/** Every protocol message on `stdout` until it ends (lines that are not messages are skipped). */
export async function messagesOf(stdout: Readable): Promise<AirbyteMessage[]> {
  const messages: AirbyteMessage[] = [];
  for await (const line of readLines(stdout)) {
    const decoded = decodeLine(line);
    if (decoded.kind === 'message') messages.push(decoded.message);
  }
  return messages;
}

/**
 * A StdoutReader for tests: a copy of every read is kept in `seen`, and every 7th read pauses
 * the stream (`resume` is called 5 ms later), so a reader's pause and resume are exercised too.
 */
export function pausingReader(resume: () => void, bufferBytes = 64 * 1024) {
  const target = Buffer.alloc(bufferBytes);
  const seen: Buffer[] = [];
  const state = { seen, pauses: 0 };
  const reader = {
    buffer: () => target,
    onRead: (bytes: number): boolean => {
      seen.push(Buffer.from(target.subarray(0, bytes)));
      if (seen.length % 7 !== 0) return true;
      state.pauses++;
      setTimeout(resume, 5);
      return false;
    },
  };
  return { reader, state };
}
