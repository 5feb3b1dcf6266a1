/**
 * The engine's side of destination naming: each configured stream's destination name,
 * worked out once, and the rewrites of the messages that carry a stream's name on their way
 * to the destination (states, stream statuses, records the fast path could not take).
 * Only made when some stream is renamed: otherwise the engine rewrites nothing at all.
 */
import type { AirbyteMessage, AirbyteRecordMessage, AirbyteStateMessage, AirbyteTraceMessage, StreamDescriptor } from '@tributary/protocol';
import type { StreamCatalog, StreamRef } from './stream-catalog.js';
import { destinationStream, renameDescriptor, sameStream, streamKey, type StreamName } from './stream-naming.js';
import type { DestinationNaming } from './types.js';

type RecordMessage = Extract<AirbyteMessage, { type: 'RECORD' }>;
type TraceMessage = Extract<AirbyteMessage, { type: 'TRACE' }>;

export class DestinationNames {
  /** by configured stream index */
  private readonly names: StreamName[];
  private readonly renamed: boolean[];
  /** destination descriptor key → the configured stream */
  private readonly sources = new Map<string, StreamRef>();

  /** undefined when no configured stream changes name: the engine's plain path applies */
  static of(naming: DestinationNaming | undefined, catalog: StreamCatalog): DestinationNames | undefined {
    if (!naming) return undefined;
    const names = new DestinationNames(naming, catalog);
    return names.renamed.includes(true) ? names : undefined;
  }

  private constructor(
    private readonly naming: DestinationNaming,
    private readonly catalog: StreamCatalog,
  ) {
    this.names = catalog.streams.map((ref) => destinationStream(naming, ref));
    this.renamed = catalog.streams.map((ref) => !sameStream(this.names[ref.index]!, ref));
    for (const ref of catalog.streams) this.sources.set(streamKey(this.names[ref.index]!), ref);
  }

  /** The destination name of configured stream `index`. */
  of(index: number): StreamName {
    return this.names[index]!;
  }

  /** The configured stream a descriptor in the destination's names stands for. */
  sourceOf(d: StreamDescriptor): StreamRef | undefined {
    return this.sources.get(streamKey(d));
  }

  /**
   * For each configured stream, what its record lines must start with in the destination,
   * through `data`'s opening brace; undefined for a stream that keeps its name.
   */
  recordHeads(): (Buffer | undefined)[] {
    return this.names.map((to, i) => {
      if (!this.renamed[i]) return undefined;
      const namespace = to.namespace === undefined ? '' : `"namespace":${JSON.stringify(to.namespace)},`;
      return Buffer.from(`{"type":"RECORD","record":{${namespace}"stream":${JSON.stringify(to.name)},"data":{`);
    });
  }

  /** A descriptor in the destination's names; the same object when the stream keeps its name. */
  descriptor<D extends StreamDescriptor>(d: D): D {
    // attributed like records are (a unique name matches whatever the namespace)
    const ref = this.catalog.lookup(d.name, d.namespace);
    const to = ref ? this.names[ref.index]! : destinationStream(this.naming, d);
    return sameStream(to, d) ? d : renameDescriptor(d, to);
  }

  /** A record of configured stream `ref` (parsed by the slow path) under its destination name; undefined when unchanged. */
  record(m: RecordMessage, ref: StreamRef): RecordMessage | undefined {
    if (!this.renamed[ref.index]) return undefined;
    const to = this.names[ref.index]!;
    const { stream: _stream, namespace: _namespace, ...rest } = m.record;
    // stream and namespace first, where destinations that peek at records look for them
    const record: AirbyteRecordMessage = { ...(to.namespace !== undefined ? { namespace: to.namespace } : {}), stream: to.name, ...rest };
    return { ...m, record };
  }

  /** A source state with its stream descriptors renamed; the same object when none changes. */
  state(state: AirbyteStateMessage): AirbyteStateMessage {
    if (state.type === 'STREAM' && state.stream) {
      const d = this.descriptor(state.stream.stream_descriptor);
      return d === state.stream.stream_descriptor ? state : { ...state, stream: { ...state.stream, stream_descriptor: d } };
    }
    if (state.type === 'GLOBAL' && state.global) {
      let changed = false;
      const stream_states = state.global.stream_states.map((s) => {
        const d = this.descriptor(s.stream_descriptor);
        if (d === s.stream_descriptor) return s;
        changed = true;
        return { ...s, stream_descriptor: d };
      });
      return changed ? { ...state, global: { ...state.global, stream_states } } : state;
    }
    // LEGACY: an opaque blob, only the source reads it
    return state;
  }

  /** A STREAM_STATUS trace under the stream's destination name; the same message when unchanged. */
  streamStatus(m: TraceMessage): TraceMessage {
    const status = m.trace.stream_status;
    if (!status) return m;
    const d = this.descriptor(status.stream_descriptor);
    if (d === status.stream_descriptor) return m;
    const trace: AirbyteTraceMessage = { ...m.trace, stream_status: { ...status, stream_descriptor: d } };
    return { ...m, trace };
  }
}
