/**
 * source-sample's cursor state: per stream `{"cursor": <updated_at of the last record>,
 * "offset": <records emitted so far>}`. Reading it back tells where to continue.
 */
import { ConnectorError, type AirbyteStateMessage, type AirbyteStreamState, type StreamDescriptor } from '@tributary/protocol';
import { firstIndexAfter } from './streams.js';
import { parseTimestampSeconds } from './timestamps.js';

export interface SampleStreamState {
  /** updated_at of the last record emitted, null before the first one */
  cursor: string | null;
  /** index of the next record to emit (= records emitted so far) */
  offset: number;
}

const sameDescriptor = (a: StreamDescriptor, b: StreamDescriptor) => a.name === b.name && (a.namespace ?? null) === (b.namespace ?? null);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The stream_state for one stream out of per-stream, global or legacy state input. */
function findStreamState(states: AirbyteStateMessage[], stream: StreamDescriptor): unknown {
  for (const message of states) {
    const type = message.type ?? 'LEGACY';
    if (type === 'STREAM' && message.stream && sameDescriptor(message.stream.stream_descriptor, stream)) {
      return message.stream.stream_state;
    }
    if (type === 'GLOBAL' && message.global) {
      const found = message.global.stream_states.find((s: AirbyteStreamState) => sameDescriptor(s.stream_descriptor, stream));
      if (found) return found.stream_state;
    }
    if (type === 'LEGACY' && isObject(message.data)) {
      const legacy = message.data[stream.name];
      if (legacy !== undefined) return legacy;
    }
  }
  return undefined;
}

/** Index of the first record to emit for an incremental read of `stream` (0 without state). */
export function startIndexFromState(states: AirbyteStateMessage[] | undefined, stream: StreamDescriptor): number {
  if (!states) return 0;
  const streamState = findStreamState(states, stream);
  if (streamState === undefined || streamState === null) return 0;
  if (!isObject(streamState)) {
    throw new ConnectorError(`state for stream ${stream.name} must be an object like {"cursor": ..., "offset": n}`, 'config_error');
  }
  const offset = streamState['offset'];
  if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  const cursor = streamState['cursor'];
  if (cursor === null || cursor === undefined) return 0;
  const seconds = typeof cursor === 'string' ? parseTimestampSeconds(cursor) : undefined;
  if (seconds === undefined) {
    throw new ConnectorError(`state for stream ${stream.name}: cursor ${JSON.stringify(cursor)} is not a timestamp`, 'config_error');
  }
  return firstIndexAfter(seconds);
}

export function streamStateMessage(stream: StreamDescriptor, state: SampleStreamState, recordCount: number): AirbyteStateMessage {
  return {
    type: 'STREAM',
    stream: { stream_descriptor: stream, stream_state: { cursor: state.cursor, offset: state.offset } },
    sourceStats: { recordCount },
  };
}
