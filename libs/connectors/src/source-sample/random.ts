/**
 * A tiny seeded PRNG. Every record gets its own generator seeded from (seed, stream,
 * index), so record i is the same whatever `count` is and can be produced without
 * generating records 0..i-1: incremental reads start anywhere in O(1).
 */

/** murmur3's 32-bit finaliser: spreads nearby inputs (consecutive indexes) over all bits. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable 32-bit number for a string (FNV-1a), used to give each stream its own sequence. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a handful of integer ops per draw, good enough statistics for fake data. */
export class RecordRng {
  private state = 0;

  /** Re-seeds for one record; reusing one instance avoids an allocation per record. */
  reset(seed: number, streamSalt: number, index: number): this {
    // index may exceed 2^32 in theory; fold the high part in so it still changes the seed
    const high = Math.floor(index / 0x100000000);
    this.state = mix32(mix32(seed ^ streamSalt) ^ mix32(index >>> 0) ^ Math.imul(high, 0x9e3779b1));
    return this;
  }

  /**
   * uniform 31-bit integer: values below 2^31 stay small integers in V8, so `% n` is an
   * integer modulo instead of a floating-point fmod call (3x slower overall)
   */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 1;
  }

  /** uniform integer in [0, n) for 0 < n < 2^31 */
  below(n: number): number {
    return this.next() % n;
  }

  /** uniform integer in [min, max] */
  between(min: number, max: number): number {
    return min + (this.next() % (max - min + 1));
  }

  chance(percent: number): boolean {
    return this.next() % 100 < percent;
  }
}
