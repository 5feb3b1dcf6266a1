/**
 * RFC 3339 formatting of whole-second UTC timestamps. Date#toISOString per field would
 * dominate the cost of a record: the date part is cached per day, the time part is
 * written digit by digit.
 */
import { piece, type AsciiBuilder, type Piece } from './ascii-builder.js';

/** every synthetic timeline starts here: 2024-01-01T00:00:00Z */
export const BASE_EPOCH_SECONDS = Date.UTC(2024, 0, 1) / 1000;

const SECONDS_PER_DAY = 86_400;
const COLON = 0x3a;

/** `YYYY-MM-DDT` per day number since the epoch */
const dayPrefixes = new Map<number, Piece>();

function dayPrefix(day: number): Piece {
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = piece(new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 11));
    dayPrefixes.set(day, prefix);
  }
  return prefix;
}

/**
 * Writes `2024-01-01T00:00:00` for integer epoch seconds: the caller's surrounding
 * pieces carry the quotes and the `Z`, which saves two copies per timestamp.
 */
export function writeTimestampDigits(out: AsciiBuilder, epochSeconds: number): void {
  const day = Math.floor(epochSeconds / SECONDS_PER_DAY);
  const secondOfDay = epochSeconds - day * SECONDS_PER_DAY;
  const hours = (secondOfDay / 3600) | 0;
  const minutes = ((secondOfDay - hours * 3600) / 60) | 0;
  out.piece(dayPrefix(day));
  out.twoDigits(hours);
  out.byte(COLON);
  out.twoDigits(minutes);
  out.byte(COLON);
  out.twoDigits(secondOfDay - hours * 3600 - minutes * 60);
}

/** `2024-01-01T00:00:00Z` for integer epoch seconds (off the hot path: states) */
export function formatEpochSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** epoch seconds of an RFC 3339 timestamp, or undefined if it does not parse */
export function parseTimestampSeconds(text: string): number | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
