import { AirbyteStateMessageSchema, type AirbyteStateMessage } from '@tributary/protocol';
import type { FieldError } from '@tributary/db';
import type { StateType } from './state.dto.js';

/**
 * Checks operator-supplied state: each message must be a valid Airbyte STATE message
 * of the declared type (one LEGACY/GLOBAL message, or STREAM messages for distinct streams).
 */
export function parseStateMessages(stateType: StateType, raw: Record<string, unknown>[]): { state: AirbyteStateMessage[] } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const state: AirbyteStateMessage[] = [];
  raw.forEach((candidate, i) => {
    const parsed = AirbyteStateMessageSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ path: `/state/${i}${issue.path.map((p) => `/${String(p)}`).join('')}`, message: issue.message });
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
      const id = `${descriptor.namespace ?? ''}.${descriptor.name}`;
      if (seen.has(id)) at(i, '/stream/stream_descriptor', 'appears twice');
      seen.add(id);
    }
    if (type === 'GLOBAL' && !message.global) at(i, '/global', 'is required for GLOBAL state');
    if (type === 'LEGACY' && message.data === undefined) at(i, '/data', 'is required for LEGACY state');
  });
  return errors.length > 0 ? { errors } : { state };
}
