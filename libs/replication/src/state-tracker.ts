/**
 * Source STATE messages wait here until the destination echoes them (the commit point).
 *
 * Destinations may re-serialise what they echo (key order, spacing, nulls, added
 * destinationStats) and may collapse several states into one echo of the latest, so an
 * echo is matched by canonical content against the oldest pending state of its queue, and
 * committing state N commits every earlier pending state of that queue too.
 *
 * Queues: one per stream for STREAM states (destinations that flush per stream echo the
 * streams' states out of order relative to each other, and a STREAM state only vouches
 * for its own stream's records), one shared by GLOBAL and LEGACY states (which vouch for
 * everything before them). Matching the oldest entry is the safe choice when the same
 * content was sent twice: it never commits records the destination has not seen.
 *
 * When the destination names streams differently, an echo is matched against the state as
 * it was sent (destination names) and commits the state as the source emitted it.
 */
import type { AirbyteStateMessage, StreamDescriptor } from '@tributary/protocol';
import type { Checkpoint } from './stats.js';
import type { ReplicationState } from './types.js';

interface PendingState {
  /** of the state as sent to the destination */
  key: string;
  /** as the source emitted it: what is committed */
  message: AirbyteStateMessage;
  checkpoint: Checkpoint;
}

/** Per-checkpoint counters a connector adds; not part of the state itself. */
const STATS_KEYS = new Set(['sourceStats', 'destinationStats']);

function canonical(value: unknown, top: boolean): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    // null and absent mean the same to a JSON schema with optional fields
    .filter(([k, v]) => v !== null && v !== undefined && !(top && STATS_KEYS.has(k)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, false)}`).join(',')}}`;
}

/** A key equal for the same state however it was serialised. */
export function stateKey(state: AirbyteStateMessage): string {
  return canonical({ ...state, type: state.type ?? 'LEGACY' }, true);
}

/** The state without per-checkpoint counters, as it is stored. */
function stripStats(state: AirbyteStateMessage): AirbyteStateMessage {
  const { sourceStats: _s, destinationStats: _d, ...rest } = state;
  return rest;
}

export function descriptorKey(d: StreamDescriptor | null | undefined): string {
  return JSON.stringify([d?.namespace ?? null, d?.name ?? null]);
}

/** Which pending queue a state belongs to. */
function queueKey(state: AirbyteStateMessage): string {
  return state.type === 'STREAM' ? `stream:${descriptorKey(state.stream?.stream_descriptor)}` : 'global';
}

/**
 * Folds one committed state message into the committed state: STREAM states merge per
 * stream descriptor; a GLOBAL or LEGACY state replaces everything.
 */
export function mergeState(current: ReplicationState | undefined, message: AirbyteStateMessage): ReplicationState {
  const state = stripStats(message);
  const type = state.type ?? 'LEGACY';
  if (type !== 'STREAM') return [type === 'LEGACY' ? { ...state, type: 'LEGACY' } : state];
  const merged = (current ?? []).filter((s) => s.type === 'STREAM');
  const key = descriptorKey(state.stream?.stream_descriptor);
  const at = merged.findIndex((s) => descriptorKey(s.stream?.stream_descriptor) === key);
  if (at === -1) merged.push(state);
  else merged[at] = state;
  return merged;
}

/**
 * What to pass to a source as `--state`: the array of messages, except that a LEGACY
 * state is passed as its bare blob, which is what legacy connectors read.
 */
export function stateForSource(state: ReplicationState | undefined): unknown {
  if (!state || state.length === 0) return undefined;
  const first = state[0];
  if (state.length === 1 && first && (first.type ?? 'LEGACY') === 'LEGACY') return first.data;
  return state;
}

export interface CommitResult {
  /** the checkpoints committed by this echo, oldest first */
  checkpoints: Checkpoint[];
  state: ReplicationState;
}

export class StateTracker {
  private readonly queues = new Map<string, PendingState[]>();
  private committed: ReplicationState | undefined;
  private pending = 0;

  constructor(initial: ReplicationState | undefined) {
    this.committed = initial && initial.length > 0 ? initial : undefined;
  }

  get state(): ReplicationState | undefined {
    return this.committed;
  }

  /** states sent but not (yet) echoed */
  get pendingCount(): number {
    return this.pending;
  }

  /**
   * A source STATE forwarded to the destination, with the records it vouches for; `asSent`
   * is what the destination got (the same state under destination stream names).
   */
  sent(message: AirbyteStateMessage, checkpoint: Checkpoint, asSent: AirbyteStateMessage = message): void {
    const q = queueKey(asSent);
    let queue = this.queues.get(q);
    if (!queue) this.queues.set(q, (queue = []));
    queue.push({ key: stateKey(asSent), message, checkpoint });
    this.pending++;
  }

  /** A STATE echoed by the destination; undefined when it matches nothing sent. */
  echoed(message: AirbyteStateMessage): CommitResult | undefined {
    const queue = this.queues.get(queueKey(message));
    if (!queue) return undefined;
    const key = stateKey(message);
    const at = queue.findIndex((p) => p.key === key);
    if (at === -1) return undefined;
    const done = queue.splice(0, at + 1);
    this.pending -= done.length;
    let state = this.committed;
    for (const p of done) state = mergeState(state, p.message);
    this.committed = state;
    return { checkpoints: done.map((p) => p.checkpoint), state: state ?? [] };
  }
}
