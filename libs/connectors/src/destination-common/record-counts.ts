/**
 * Counting records between STATE messages, for the destinationStats.recordCount a
 * destination puts on each state it echoes. Per the protocol, a STREAM state counts
 * the records of its stream since that stream's previous state; a GLOBAL or LEGACY
 * state counts every record since the previous such state.
 */
import type { AirbyteStateMessage, StreamDescriptor } from '@tributary/protocol';

export interface StreamCount {
  readonly descriptor: StreamDescriptor;
  /** records since this stream's last STREAM state */
  sinceState: number;
  total: number;
}

/** a Map key for a stream: namespace and name cannot collide through the separator */
export function streamKey(name: string, namespace?: string | null): string {
  return namespace === undefined || namespace === null ? name : `${namespace}\u0000${name}`;
}

export class RecordCounts {
  private readonly streams = new Map<string, StreamCount>();
  /** records since the last GLOBAL/LEGACY state */
  private sinceGlobalState = 0;

  /** the counter of a stream, created on first use; keep it to count a run of records cheaply */
  stream(name: string, namespace?: string | null): StreamCount {
    const key = streamKey(name, namespace);
    let count = this.streams.get(key);
    if (!count) {
      const descriptor: StreamDescriptor = namespace === undefined || namespace === null ? { name } : { name, namespace };
      count = { descriptor, sinceState: 0, total: 0 };
      this.streams.set(key, count);
    }
    return count;
  }

  /** call once per record (after `count.sinceState++; count.total++` or through this) */
  add(count: StreamCount, records = 1): void {
    count.sinceState += records;
    count.total += records;
    this.sinceGlobalState += records;
  }

  /** the records this state covers; resets the counters it closes */
  takeForState(state: AirbyteStateMessage): number {
    const type = state.type ?? 'LEGACY';
    if (type === 'STREAM' && state.stream) {
      const descriptor = state.stream.stream_descriptor;
      const count = this.stream(descriptor.name, descriptor.namespace);
      const taken = count.sinceState;
      count.sinceState = 0;
      return taken;
    }
    const taken = this.sinceGlobalState;
    this.sinceGlobalState = 0;
    for (const count of this.streams.values()) count.sinceState = 0;
    return taken;
  }

  /** the state as the destination echoes it: with destinationStats.recordCount */
  acknowledge(state: AirbyteStateMessage): AirbyteStateMessage {
    return { ...state, destinationStats: { ...(state.destinationStats ?? {}), recordCount: this.takeForState(state) } };
  }

  all(): StreamCount[] {
    return [...this.streams.values()];
  }

  get total(): number {
    let total = 0;
    for (const count of this.streams.values()) total += count.total;
    return total;
  }

  /** `users=1000, shop.products=20` for logs */
  summary(): string {
    return this.all()
      .map((c) => `${c.descriptor.namespace ? `${c.descriptor.namespace}.` : ''}${c.descriptor.name}=${c.total}`)
      .join(', ');
  }
}
