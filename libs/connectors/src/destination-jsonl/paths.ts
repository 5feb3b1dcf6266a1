/**
 * Stream and namespace names come from sources: they may contain `/`, `..`, NUL or
 * anything else. Each becomes exactly one safe path segment. A name that had to change
 * gets a short hash of the original, so `a/b` and `a_b` still land in different files.
 */
import { createHash } from 'node:crypto';

const UNSAFE = /[^\p{L}\p{N}_.-]/gu;
const MAX_SEGMENT_CHARS = 100;

export function safeSegment(name: string): string {
  // runs of dots become `_` too: `..` is never a segment, nor part of one to alarm readers
  let safe = name.replace(UNSAFE, '_').replace(/\.{2,}/g, '_');
  // no hidden files, no `.`, never empty
  if (safe === '' || safe.startsWith('.')) safe = `_${safe}`;
  if (safe === name && safe.length <= MAX_SEGMENT_CHARS) return safe;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${safe.slice(0, MAX_SEGMENT_CHARS)}_${hash}`;
}

/** `[namespace?, stream.jsonl]` */
export function streamFilePath(name: string, namespace?: string | null): string[] {
  const file = `${safeSegment(name)}.jsonl`;
  return namespace ? [safeSegment(namespace), file] : [file];
}
