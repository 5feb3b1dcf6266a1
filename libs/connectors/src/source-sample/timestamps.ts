/**
 * RFC 3339 formatting of whole-second UTC timestamps. Date#toISOString per field would
 * dominate the cost of a record: the date part is cached per day, the time part is
 * written digit by digit.
 */
import { encodeWords, type AsciiBuilder } from './ascii-builder.js';

/** every synthetic timeline starts here: 2024-01-01T00:00:00Z */
export const BASE_EPOCH_SECONDS = Date.UTC(2024, 0, 1) / 1000;

const SECONDS_PER_HOUR = 3600;
const INT32_LIMIT = 0x80000000;

/*
 * Both halves of a timestamp come from flat word tables (no per-entry objects: with
 * thousands of them, loading the object cost as much as copying the text).
 */

/** `YYYY-MM-DDTHH:` (14 bytes, 4 words) per hour, filled on first use, for ~5 years either side of the base */
const HOUR_WORDS = 4;
const HOUR_BYTES = 14;
const HOURS_INDEXED = 24 * 366 * 10;
const FIRST_INDEXED_HOUR = BASE_EPOCH_SECONDS / SECONDS_PER_HOUR - HOURS_INDEXED / 2;
const hourWords = new Uint32Array(HOURS_INDEXED * HOUR_WORDS);
const hourFilled = new Uint8Array(HOURS_INDEXED);

function hourText(hour: number): string {
  return new Date(hour * SECONDS_PER_HOUR * 1000).toISOString().slice(0, HOUR_BYTES);
}

function fillHour(slot: number, hour: number): void {
  hourWords.set(encodeWords(hourText(hour)).words, slot * HOUR_WORDS);
  hourFilled[slot] = 1;
}

/** `MM:SS` (5 bytes, 2 words) for every second of an hour */
const MINUTE_SECOND_WORDS = 2;
const minuteSecondWords = new Uint32Array(SECONDS_PER_HOUR * MINUTE_SECOND_WORDS);
for (let s = 0; s < SECONDS_PER_HOUR; s++) {
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  minuteSecondWords.set(encodeWords(`${two(Math.floor(s / 60))}:${two(s % 60)}`).words, s * MINUTE_SECOND_WORDS);
}

/**
 * Writes `2024-01-01T00:00:00` for integer epoch seconds: two table copies. The
 * caller's surrounding pieces carry the quotes and the `Z`, saving two more copies.
 */
export function writeTimestampDigits(out: AsciiBuilder, epochSeconds: number): void {
  const hour =
    epochSeconds < INT32_LIMIT && epochSeconds >= 0 ? (epochSeconds / SECONDS_PER_HOUR) | 0 : Math.floor(epochSeconds / SECONDS_PER_HOUR);
  const slot = hour - FIRST_INDEXED_HOUR;
  if (slot >= 0 && slot < HOURS_INDEXED) {
    if (hourFilled[slot] === 0) fillHour(slot, hour);
    out.words(hourWords, slot * HOUR_WORDS, (slot + 1) * HOUR_WORDS, HOUR_BYTES);
  } else {
    out.ascii(hourText(hour));
  }
  const second = (epochSeconds - hour * SECONDS_PER_HOUR) * MINUTE_SECOND_WORDS;
  out.words(minuteSecondWords, second, second + MINUTE_SECOND_WORDS, 5);
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
