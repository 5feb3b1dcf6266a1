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
