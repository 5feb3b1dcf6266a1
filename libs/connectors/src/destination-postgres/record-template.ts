/**
 * A stream's RECORD lines mostly come byte for byte in one layout: the same envelope, the
 * same keys in the same order and spacing; only the values differ. A RecordTemplate is that
 * layout, learned from a line RecordScan took whole: the line itself, with a slot where each
 * value of `data` and emitted_at stood. A later line matches when the bytes between its
 * values are those of the template and each value is one JSON value (RecordScan.valueAt). It
 * is then a RECORD that scan would take whole, with the same members in the same places: the
 * encoder reads its values from the slots, without walking keys and envelope again.
 */
import { ValueKind, type RecordScan } from '../destination-common/record-scan.js';

/** a slot's column when it holds emitted_at */
export const EMITTED_AT_SLOT = -2;
/** a slot's column when its value goes to no column (a field without one, or a key written twice but for its last time) */
const SKIPPED_SLOT = -1;

export class RecordTemplate {
  private constructor(
    /** the line it was learned from */
    readonly line: Buffer,
    /** each slot's value, as offsets in `line` (a string's with its quotes) */
    readonly slotStart: Int32Array,
    readonly slotEnd: Int32Array,
    /** the column each slot's value goes to, SKIPPED_SLOT or EMITTED_AT_SLOT */
    readonly slotColumn: Int32Array,
    /** each column's entry of `data` in the line learned from (FieldLookup.match); -1: null in every line of the layout */
    readonly entryOf: Int32Array,
  ) {
    this.inColumnOrder = ascending(slotColumn);
  }

  /** the slots' columns come in the columns' order: a row can be written as the line is read */
  readonly inColumnOrder: boolean;

  /** The layout of the line `scan` took last; `entryOf`: each column's entry of its `data` (FieldLookup.match). */
  static learn(scan: RecordScan, entryOf: Int32Array): RecordTemplate {
    const count = scan.count;
    const columnOf = new Int32Array(count).fill(SKIPPED_SLOT);
    for (let column = 0; column < entryOf.length; column++) if (entryOf[column]! >= 0) columnOf[entryOf[column]!] = column;
    const start = scan.lineStart;
    const emittedAt = scan.emittedAtStart >= 0;
    // emitted_at is before `data` or after it, never inside
    const emittedAtFirst = emittedAt && (count === 0 || scan.emittedAtStart < scan.valueStart[0]!);
    const slots = count + (emittedAt ? 1 : 0);
    const slotStart = new Int32Array(slots);
    const slotEnd = new Int32Array(slots);
    const slotColumn = new Int32Array(slots);
    let k = 0;
    const slot = (from: number, to: number, column: number) => {
      slotStart[k] = from - start;
      slotEnd[k] = to - start;
      slotColumn[k++] = column;
    };
    if (emittedAtFirst) slot(scan.emittedAtStart, scan.emittedAtEnd, EMITTED_AT_SLOT);
    for (let n = 0; n < count; n++) {
      // a string's span leaves out its quotes
      const quotes = scan.valueKind[n] === ValueKind.String ? 1 : 0;
      slot(scan.valueStart[n]! - quotes, scan.valueEnd[n]! + quotes, columnOf[n]!);
    }
    if (emittedAt && !emittedAtFirst) slot(scan.emittedAtStart, scan.emittedAtEnd, EMITTED_AT_SLOT);
    return new RecordTemplate(Buffer.from(scan.buf.subarray(start, scan.lineEnd)), slotStart, slotEnd, slotColumn, entryOf.slice());
  }
}

/** The columns (>= 0) in `slotColumn` ascend. */
function ascending(slotColumn: Int32Array): boolean {
  let last = -1;
  for (const column of slotColumn) {
    if (column < 0) continue;
    if (column <= last) return false;
    last = column;
  }
  return true;
}
