/**
 * destination-jsonl's `write`: each record becomes one line of its stream's file, in
 * Airbyte's raw-record shape. A STATE is echoed only once every record before it is
 * written and synced to disk. Files of streams in replace mode are swapped in at the
 * end, and only for streams the source completed.
 */
import { randomUUID } from 'node:crypto';
import {
  ConnectorError,
  decodeLine,
  type AirbyteMessage,
  type AirbyteRecordMessage,
  type AirbyteStateMessage,
  type ConfiguredAirbyteCatalog,
  type MessageWriter,
} from '@tributary/protocol';
import { BadInputReporter, LineReader, RecordCounts, streamKey } from '../destination-common/index.js';
import type { JsonlStorage } from './storage.js';
import { planStreamFiles, type StreamFile } from './stream-files.js';

export interface JsonlWriteOptions {
  catalog: ConfiguredAirbyteCatalog;
  storage: JsonlStorage;
  input: AsyncIterable<Buffer | string>;
  out: MessageWriter;
}

/** the line written for one record (Airbyte's raw-record fields, as in its S3 JSONL output) */
export function rawRecordLine(record: AirbyteRecordMessage, file: StreamFile): string {
  const changes = record.meta?.changes;
  const meta =
    changes && changes.length > 0
      ? JSON.stringify({ changes, ...(file.syncId !== undefined ? { sync_id: file.syncId } : {}) })
      : file.emptyMetaJson;
  return (
    `{"_airbyte_raw_id":"${randomUUID()}","_airbyte_extracted_at":${Number.isFinite(record.emitted_at) ? record.emitted_at : Date.now()},` +
    `"_airbyte_generation_id":${file.generationId},"_airbyte_meta":${meta},"_airbyte_data":${JSON.stringify(record.data)}}`
  );
}

export async function writeJsonl({ catalog, storage, input, out }: JsonlWriteOptions): Promise<void> {
  const files = planStreamFiles(catalog, storage);
  const counts = new RecordCounts();
  const badInput = new BadInputReporter(out);
  let sawStreamStatus = false;
  // work found while splitting a chunk (synchronous) and done after it (asynchronous)
  const toFlush = new Set<StreamFile>();
  let statesToAcknowledge: AirbyteStateMessage[] = [];
  let failure: Error | undefined;

  const fileFor = (record: AirbyteRecordMessage): StreamFile => {
    const file = files.get(streamKey(record.stream, record.namespace));
    if (!file) {
      throw new ConnectorError(
        `received a record for stream ${JSON.stringify(record.namespace ? `${record.namespace}.${record.stream}` : record.stream)}, which is not in the configured catalog`,
        'system_error',
      );
    }
    return file;
  };

  const handleMessage = (message: AirbyteMessage) => {
    switch (message.type) {
      case 'RECORD': {
        const file = fileFor(message.record);
        if (file.add(rawRecordLine(message.record, file))) toFlush.add(file);
        counts.add(counts.stream(message.record.stream, message.record.namespace));
        return;
      }
      case 'STATE':
        // counted now, in input order; echoed once the data before it is synced
        statesToAcknowledge.push(counts.acknowledge(message.state));
        return;
      case 'TRACE': {
        const status = message.trace.stream_status;
        if (message.trace.type === 'STREAM_STATUS' && status) {
          sawStreamStatus = true;
          const file = files.get(streamKey(status.stream_descriptor.name, status.stream_descriptor.namespace));
          if (file && status.status === 'COMPLETE') file.complete = true;
        }
        return;
      }
      default:
        // LOG and others: nothing to store
        return;
    }
  };

  const reader = new LineReader(
    (buf, start, end) => {
      if (failure) return;
      const decoded = decodeLine(buf.subarray(start, end));
      if (decoded.kind === 'text') return badInput.report('not a JSON message', decoded.text);
      if (decoded.kind === 'invalid') return badInput.report(decoded.reason, decoded.text);
      try {
        handleMessage(decoded.message);
      } catch (err) {
        failure = err as Error;
      }
    },
    { onOversizedLine: (bytes) => badInput.report(`line of ${bytes} bytes is over the size limit`) },
  );

  /** syncs what each state covers (a STREAM state its stream, others every stream), then echoes them in order */
  const acknowledgeStates = async () => {
    const states = statesToAcknowledge;
    statesToAcknowledge = [];
    const covered = new Set<StreamFile>();
    for (const state of states) {
      const descriptor = state.type === 'STREAM' ? state.stream?.stream_descriptor : undefined;
      const file = descriptor ? files.get(streamKey(descriptor.name, descriptor.namespace)) : undefined;
      if (descriptor) {
        if (file) covered.add(file);
      } else {
        for (const f of files.values()) covered.add(f);
      }
    }
    for (const file of covered) await file.flushAndSync();
    for (const state of states) void out.state(state);
    await out.flush();
  };

  try {
    for await (const chunk of input) {
      reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      if (failure) throw failure;
      for (const file of toFlush) await file.flush();
      toFlush.clear();
      if (statesToAcknowledge.length > 0) await acknowledgeStates();
    }
    reader.end();
    if (failure) throw failure;
    for (const file of files.values()) await file.flushAndSync();
    if (statesToAcknowledge.length > 0) await acknowledgeStates();
    await finishFiles([...files.values()], sawStreamStatus, out);
  } catch (err) {
    // replace-mode files keep their old content; appended data up to the last ack stays
    for (const file of files.values()) await file.abort().catch(() => undefined);
    throw err;
  }
  badInput.finish();
  void out.log(
    'INFO',
    `destination-jsonl wrote ${counts.total} record(s) to ${storage.description}${counts.total > 0 ? `: ${counts.summary()}` : ''}`,
  );
}

/**
 * End of input. Without any STREAM_STATUS (a plain `source | destination` pipe) the end
 * of input means success. Otherwise a replace-mode stream is swapped in only if the
 * source completed it: a failed sync must not replace a full file with a partial one.
 */
async function finishFiles(files: StreamFile[], sawStreamStatus: boolean, out: MessageWriter): Promise<void> {
  for (const file of files) {
    if (file.mode === 'replace' && sawStreamStatus && !file.complete) {
      void out.log('WARN', `stream ${file.descriptor.name} did not complete: its previous file is kept`);
      await file.abort();
    } else {
      await file.commit();
    }
  }
}
