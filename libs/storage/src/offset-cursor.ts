/**
 * Cursors that carry a byte offset into a log, so the next page starts reading right there
 * instead of rescanning from the top. Opaque to clients (base64url of `o1:<offset>`), so the
 * encoding can change (an object store may need part + offset) without breaking the API.
 */
import { InvalidCursorError } from './log-storage.js';

const PREFIX = 'o1:';
const MAX_CURSOR_LENGTH = 64;

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`${PREFIX}${offset}`, 'utf8').toString('base64url');
}

export function decodeOffsetCursor(cursor: string): number {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError('not a cursor this API handed out');
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^o1:(0|[1-9]\d{0,15})$/.exec(text);
  const offset = match ? Number(match[1]) : NaN;
  // re-encoding must give the same string: Node's base64url decoder skips characters it does not know
  if (!Number.isSafeInteger(offset) || encodeOffsetCursor(offset) !== cursor)
    throw new InvalidCursorError('not a cursor this API handed out');
  return offset;
}
