/**
 * destination-dev-null's `write`: counts records per stream and acknowledges every
 * STATE (echoes it with destinationStats.recordCount). It is the baseline of the
 * replication benchmark, so records are recognised from their first bytes and never
 * parsed; only the rare other lines are.
 */
import { decodeLine, type ChunkHandler, type MessageWriter } from '@tributary/protocol';
import { BadInputReporter, LineReader, RecordCounts, type StreamCount } from '../destination-common/index.js';
import { NOT_A_RECORD, RECORD_WITH_UNUSUAL_LAYOUT, readRecordHeader, type RecordHeader } from './record-header.js';

export interface DevNullResult {
  counts: RecordCounts;
  statesAcknowledged: number;
}

/** `readInput` hands over stdin chunk by chunk, each valid only during the call (WriteContext.readInput) */
export async function writeToDevNull(readInput: (onChunk: ChunkHandler) => Promise<void>, out: MessageWriter): Promise<DevNullResult> {
  const counts = new RecordCounts();
  const badInput = new BadInputReporter(out);
  const header: RecordHeader = { start: 0, end: 0 };
  // header text -> counter; consecutive records of one stream match `lastHeader` byte for byte,
  // which costs no allocation (a string per record was most of this destination's CPU)
  const byHeader = new Map<string, StreamCount>();
  let lastHeader: Buffer = Buffer.alloc(0);
  let lastCount: StreamCount | undefined;
  let statesAcknowledged = 0;
  let ackedInChunk = false;

  const sameAsLastHeader = (buf: Buffer, start: number, end: number): boolean => {
    const n = lastHeader.length;
    if (end - start !== n || n === 0) return false;
    for (let i = 0; i < n; i++) if (buf[start + i] !== lastHeader[i]) return false;
    return true;
  };

  const countRecordWithHeader = (buf: Buffer, start: number, end: number) => {
    if (!lastCount || !sameAsLastHeader(buf, start, end)) {
      const key = buf.toString('latin1', start, end);
      let count = byHeader.get(key);
      if (!count) {
        const parsed = JSON.parse(`{${buf.toString('utf8', start, end)}}`) as { stream: string; namespace?: string | null };
        count = counts.stream(parsed.stream, parsed.namespace);
        byHeader.set(key, count);
      }
      lastHeader = Buffer.from(buf.subarray(start, end));
      lastCount = count;
    }
    counts.add(lastCount);
  };

  const handleOtherLine = (line: Buffer) => {
    const decoded = decodeLine(line);
    if (decoded.kind === 'text') return badInput.report('not a JSON message', decoded.text);
    if (decoded.kind === 'invalid') return badInput.report(decoded.reason, decoded.text);
    const message = decoded.message;
    if (message.type === 'RECORD') {
      counts.add(counts.stream(message.record.stream, message.record.namespace));
    } else if (message.type === 'STATE') {
      void out.state(counts.acknowledge(message.state));
      statesAcknowledged++;
      ackedInChunk = true;
    }
    // other messages (LOG, TRACE, ...) need nothing from a destination that keeps nothing
  };

  const reader = new LineReader(
    (buf, start, end) => {
      const kind = readRecordHeader(buf, start, end, header);
      if (kind > 0) countRecordWithHeader(buf, header.start, header.end);
      else if (kind === NOT_A_RECORD || kind === RECORD_WITH_UNUSUAL_LAYOUT) handleOtherLine(buf.subarray(start, end));
    },
    { onOversizedLine: (bytes) => badInput.report(`line of ${bytes} bytes is over the size limit`) },
  );

  await readInput((chunk) => {
    reader.push(chunk);
    if (!ackedInChunk) return;
    // acknowledgements must not wait in the batch: the platform commits state on them
    ackedInChunk = false;
    return out.flush();
  });
  reader.end();
  badInput.finish();
  void out.log(
    'INFO',
    `destination-dev-null received ${counts.total} record(s)${counts.total > 0 ? `: ${counts.summary()}` : ''}; acknowledged ${statesAcknowledged} state(s)`,
  );
  return { counts, statesAcknowledged };
}
