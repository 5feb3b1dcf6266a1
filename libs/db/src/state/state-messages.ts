/**
 * A connection's committed state as stored in connection_state: the STATE messages a
 * resumed sync starts from, and the type they share. Shared by the worker (which writes
 * what the destination committed) and the server (which lets operators replace it).
 */
import { streamDescriptorKey, type FieldError } from '@tributary/domain';
import { AirbyteStateMessageSchema, type AirbyteStateMessage, type StreamDescriptor } from '@tributary/protocol';
import type { ConnectionStateType } from '../entities/connection-state.entity.js';

/** The type a set of state messages is stored under; undefined for no messages. A message without a type is LEGACY. */
export function stateTypeOf(state: readonly AirbyteStateMessage[]): ConnectionStateType | undefined {
  const first = state[0];
  if (!first) return undefined;
  return (first.type ?? 'LEGACY').toLowerCase() as ConnectionStateType;
}

/**
 * Checks operator-supplied state: each message must be a valid Airbyte STATE message
 * of the declared type (one LEGACY/GLOBAL message, or STREAM messages for distinct streams).
 */
export function parseStateMessages(
  stateType: ConnectionStateType,
  raw: Record<string, unknown>[],
): { state: AirbyteStateMessage[] } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const state: AirbyteStateMessage[] = [];
  raw.forEach((candidate, i) => {
    const parsed = AirbyteStateMessageSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push({ path: `/state/${i}${issue.path.map((p) => `/${String(p)}`).join('')}`, message: issue.message });
      return;
    }
    state.push(parsed.data);
  });
  if (errors.length > 0) return { errors };

  const at = (i: number, field: string, message: string) => errors.push({ path: `/state/${i}${field}`, message });
  if (stateType !== 'stream' && state.length !== 1) errors.push({ path: '/state', message: `${stateType} state is exactly one message` });
  const seen = new Set<string>();
  state.forEach((message, i) => {
    const type = message.type ?? 'LEGACY';
    if (type !== stateType.toUpperCase()) return at(i, '/type', `must be ${stateType.toUpperCase()} for ${stateType} state`);
    if (type === 'STREAM') {
      const descriptor = message.stream?.stream_descriptor;
      if (!descriptor) return at(i, '/stream', 'is required for STREAM state');
      const id = streamDescriptorKey(descriptor);
      if (seen.has(id)) at(i, '/stream/stream_descriptor', 'appears twice');
      seen.add(id);
    }
    if (type === 'GLOBAL' && !message.global) at(i, '/global', 'is required for GLOBAL state');
    if (type === 'LEGACY' && message.data === undefined) at(i, '/data', 'is required for LEGACY state');
  });
  return errors.length > 0 ? { errors } : { state };
}

/**
 * The state left after wiping some streams (clear, refresh): STREAM state loses those
 * streams' messages; GLOBAL state loses their stream_states and keeps the shared state
 * unless every stream is wiped; LEGACY state cannot be split, so it goes entirely.
 * Undefined when nothing is left.
 */
export function withoutStreams(
  state: readonly AirbyteStateMessage[],
  streams: readonly Pick<StreamDescriptor, 'name' | 'namespace'>[],
  everyStream: boolean,
): AirbyteStateMessage[] | undefined {
  const type = stateTypeOf(state);
  if (!type || type === 'legacy' || everyStream) return undefined;
  const wiped = new Set(streams.map(streamDescriptorKey));
  const kept = (descriptor: StreamDescriptor | undefined) => !descriptor || !wiped.has(streamDescriptorKey(descriptor));
  if (type === 'stream') {
    const left = state.filter((message) => kept(message.stream?.stream_descriptor));
    return left.length > 0 ? left : undefined;
  }
  const message = state[0]!;
  const global = message.global ?? { stream_states: [] };
  const streamStates = global.stream_states.filter((s) => kept(s.stream_descriptor));
  return [{ ...message, global: { ...global, stream_states: streamStates } }];
}
