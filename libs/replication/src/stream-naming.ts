/**
 * A connection's namespace definition and stream prefix, as pure functions: the name a
 * source stream gets in the destination, and the configured catalog the destination is given.
 */
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { describeStream } from './stream-catalog.js';
import type { DestinationNaming, NamespaceDefinition } from './types.js';

/** Replaced, in a custom namespace format, by the source's namespace of the stream. */
export const SOURCE_NAMESPACE_VARIABLE = '${SOURCE_NAMESPACE}';

/** A stream's name and namespace; no namespace means the default one (or none, on the source side). */
export interface StreamName {
  name: string;
  namespace?: string;
}

/** Anything that names a stream: a descriptor, a configured stream, a StreamName. */
export interface NamedStream {
  name: string;
  namespace?: string | null | undefined;
}

/** Equal for the same stream (a null namespace is no namespace). */
export const streamKey = (s: NamedStream): string => JSON.stringify([s.namespace ?? null, s.name]);

/** The destination namespace of a stream the source puts in `sourceNamespace`; undefined: the destination's default. */
export function destinationNamespace(definition: NamespaceDefinition, sourceNamespace: string | null | undefined): string | undefined {
  if (definition === 'source') return sourceNamespace ?? undefined;
  if (definition === 'destination') return undefined;
  // a function, so that `$` in a namespace is not read as a replacement pattern
  const namespace = definition.format.replaceAll(SOURCE_NAMESPACE_VARIABLE, () => sourceNamespace ?? '');
  return namespace === '' ? undefined : namespace;
}

/** The destination's name for a source stream; the source's own names without a naming. */
export function destinationStream(naming: DestinationNaming | undefined, source: NamedStream): StreamName {
  const namespace = naming ? destinationNamespace(naming.namespace, source.namespace) : (source.namespace ?? undefined);
  const name = (naming?.prefix ?? '') + source.name;
  return namespace === undefined ? { name } : { name, namespace };
}

/** The descriptor under its destination name, other fields kept. */
export function renameDescriptor<D extends NamedStream>(descriptor: D, to: StreamName): D {
  const { namespace: _sourceNamespace, ...rest } = descriptor;
  return { ...rest, ...to } as D;
}

/** The configured catalog as the destination must see it: every stream under its destination name. */
export function destinationCatalog(naming: DestinationNaming | undefined, catalog: ConfiguredAirbyteCatalog): ConfiguredAirbyteCatalog {
  if (!naming) return catalog;
  return {
    ...catalog,
    streams: catalog.streams.map((configured) => ({
      ...configured,
      stream: renameDescriptor(configured.stream, destinationStream(naming, configured.stream)),
    })),
  };
}

/** A descriptor's name and namespace alone (a null namespace is no namespace). */
export const streamNameOf = (d: NamedStream): StreamName =>
  d.namespace === null || d.namespace === undefined ? { name: d.name } : { name: d.name, namespace: d.namespace };

export const sameStream = (a: StreamName, b: NamedStream): boolean => a.name === b.name && a.namespace === (b.namespace ?? undefined);

/** Distinct source streams that would land in one destination stream. */
export interface NamingCollision {
  destination: StreamName;
  sources: StreamName[];
}

export function namingCollisions(naming: DestinationNaming | undefined, catalog: ConfiguredAirbyteCatalog): NamingCollision[] {
  const key = streamKey;
  const byDestination = new Map<string, NamingCollision>();
  const seen = new Set<string>();
  for (const { stream } of catalog.streams) {
    const source = streamNameOf(stream);
    // the same stream listed twice is one stream, not a collision
    if (seen.has(key(source))) continue;
    seen.add(key(source));
    const destination = destinationStream(naming, source);
    const entry = byDestination.get(key(destination));
    if (entry) entry.sources.push(source);
    else byDestination.set(key(destination), { destination, sources: [source] });
  }
  return [...byDestination.values()].filter((c) => c.sources.length > 1);
}

/** A collision as a sentence for a failure reason. */
export function describeCollision(c: NamingCollision): string {
  const sources = c.sources.map((s) => `"${describeStream(s.name, s.namespace)}"`).join(' and ');
  return `streams ${sources} would all be written to the destination stream "${describeStream(c.destination.name, c.destination.namespace)}"`;
}

/** The connection settings a naming comes from (as stored with a connection). */
export interface ConnectionNamingSettings {
  namespaceDefinition: 'source' | 'destination' | 'custom_format';
  /** with custom_format; a missing format means the destination's default */
  namespaceFormat?: string | null;
  prefix?: string | null;
}

export function destinationNamingOf(settings: ConnectionNamingSettings): DestinationNaming {
  const namespace: NamespaceDefinition =
    settings.namespaceDefinition === 'custom_format' ? { format: settings.namespaceFormat ?? '' } : settings.namespaceDefinition;
  return settings.prefix ? { namespace, prefix: settings.prefix } : { namespace };
}
