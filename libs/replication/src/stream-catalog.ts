/** The configured streams, numbered, so the hot path can count per stream in typed arrays. */
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';

export interface StreamRef {
  index: number;
  name: string;
  /** undefined when the stream has no namespace (null and absent are the same) */
  namespace: string | undefined;
}

export class StreamCatalog {
  readonly streams: StreamRef[] = [];
  private readonly byName = new Map<string, StreamRef[]>();

  constructor(catalog: ConfiguredAirbyteCatalog) {
    for (const configured of catalog.streams) {
      const name = configured.stream.name;
      const namespace = configured.stream.namespace ?? undefined;
      const sameName = this.byName.get(name) ?? [];
      if (sameName.some((s) => s.namespace === namespace)) continue; // a duplicate entry
      const ref: StreamRef = { index: this.streams.length, name, namespace };
      this.streams.push(ref);
      sameName.push(ref);
      this.byName.set(name, sameName);
    }
  }

  get size(): number {
    return this.streams.length;
  }

  /**
   * The stream when `name` alone identifies it (one configured stream of that name).
   * Records are attributed by name then: reading the namespace may mean scanning past `data`.
   */
  uniqueByName(name: string): StreamRef | undefined {
    const candidates = this.byName.get(name);
    return candidates?.length === 1 ? candidates[0] : undefined;
  }

  /** true when two configured streams share this name, so the namespace decides */
  isAmbiguous(name: string): boolean {
    return (this.byName.get(name)?.length ?? 0) > 1;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Exact lookup; a unique name matches whatever the namespace (see uniqueByName). */
  lookup(name: string, namespace: string | null | undefined): StreamRef | undefined {
    const candidates = this.byName.get(name);
    if (!candidates) return undefined;
    if (candidates.length === 1) return candidates[0];
    const ns = namespace ?? undefined;
    return candidates.find((c) => c.namespace === ns);
  }
}

export function describeStream(name: string, namespace: string | null | undefined): string {
  return namespace ? `${namespace}.${name}` : name;
}
