/**
 * Turning one line of connector output into a message. Nothing here throws on bad input:
 * non-JSON lines become text (connectors print plain logs), JSON that is not a valid
 * protocol message becomes `invalid` with a reason naming the offending field.
 */
import { AirbyteMessageSchema, type AirbyteMessage } from './messages.js';

export type DecodedLine =
  | { kind: 'message'; message: AirbyteMessage }
  | { kind: 'text'; text: string }
  | { kind: 'invalid'; text: string; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Hot path: records are checked by hand (a full schema walk of `data` costs too much). */
function checkRecord(value: Record<string, unknown>): string | undefined {
  const record = value['record'];
  if (!isObject(record)) return 'record: expected an object';
  if (typeof record['stream'] !== 'string') return 'record.stream: expected a string';
  if (!isObject(record['data'])) return 'record.data: expected an object';
  const emittedAt = record['emitted_at'];
  if (emittedAt !== undefined && typeof emittedAt !== 'number') return 'record.emitted_at: expected a number';
  const ns = record['namespace'];
  if (ns !== undefined && ns !== null && typeof ns !== 'string') return 'record.namespace: expected a string';
  return undefined;
}

/** Validates a parsed JSON value as an Airbyte message. */
export function toMessage(value: unknown): { message: AirbyteMessage } | { reason: string } {
  if (!isObject(value)) return { reason: 'expected a JSON object' };
  if (value['type'] === 'RECORD') {
    const reason = checkRecord(value);
    return reason ? { reason } : { message: value as AirbyteMessage };
  }
  const parsed = AirbyteMessageSchema.safeParse(value);
  if (parsed.success) return { message: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : 'type';
  return { reason: `${path}: ${issue?.message ?? 'invalid message'}` };
}

export function decodeLine(line: Buffer | string): DecodedLine {
  const text = (typeof line === 'string' ? line : line.toString('utf8')).trim();
  if (!text.startsWith('{')) return { kind: 'text', text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'text', text };
  }
  const result = toMessage(value);
  return 'message' in result
    ? { kind: 'message', message: result.message }
    : { kind: 'invalid', text, reason: result.reason };
}
