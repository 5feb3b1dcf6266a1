/**
 * Generations (Airbyte's refresh protocol), decided when a job is created:
 * - every configured stream carries a generation_id on the connection (0 when absent);
 * - a clear or refresh moves its streams to a new generation (+1);
 * - the job's catalog tells the destination the generation it writes (generation_id), the
 *   job (sync_id) and the oldest generation to keep (minimum_generation_id): equal to
 *   generation_id for streams being cleared or refreshed and for overwrite streams, so the
 *   destination drops older rows once the stream completes; 0 otherwise (append keeps them).
 * A clear runs the destination alone over the cleared streams and no records: it empties them.
 */
import { DomainError, ErrorCode, streamDescriptorKey } from '@tributary/domain';
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, StreamDescriptor } from '@tributary/protocol';
import type { JobRequest } from '@tributary/workflows';

const descriptorOf = (configured: ConfiguredAirbyteStream): StreamDescriptor => ({
  name: configured.stream.name,
  ...(configured.stream.namespace ? { namespace: configured.stream.namespace } : {}),
});

export const generationOf = (configured: ConfiguredAirbyteStream): number => configured.generation_id ?? 0;

export interface JobStreams {
  /** the streams a clear or refresh concerns (empty for a sync) */
  targets: StreamDescriptor[];
  /** the request covers every configured stream */
  everyStream: boolean;
}

/** The configured streams a request concerns; a stream the connection does not sync is a client error. */
export function requestedStreams(catalog: ConfiguredAirbyteCatalog, request: JobRequest): JobStreams {
  if (request.kind === 'sync') return { targets: [], everyStream: false };
  const configured = catalog.streams.map(descriptorOf);
  if (!request.streams) return { targets: configured, everyStream: true };
  if (request.streams.length === 0) {
    throw new DomainError(ErrorCode.ValidationFailed, `a ${request.kind} needs at least one stream (omit streams for all of them)`, {
      fieldErrors: [{ path: '/streams', message: 'is empty' }],
    });
  }
  const known = new Map(configured.map((d) => [streamDescriptorKey(d), d]));
  const unknown = request.streams.filter((d) => !known.has(streamDescriptorKey(d)));
  if (unknown.length > 0) {
    const names = unknown.map((d) => (d.namespace ? `${d.namespace}.${d.name}` : d.name)).join(', ');
    throw new DomainError(ErrorCode.ValidationFailed, `the connection does not sync stream(s) ${names}`, {
      fieldErrors: [{ path: '/streams', message: `unknown stream(s): ${names}` }],
    });
  }
  const targets = [...new Map(request.streams.map((d) => [streamDescriptorKey(d), known.get(streamDescriptorKey(d))!])).values()];
  return { targets, everyStream: targets.length === configured.length };
}

/** The connection's catalog with the targets moved to their next generation. */
export function bumpGenerations(catalog: ConfiguredAirbyteCatalog, targets: readonly StreamDescriptor[]): ConfiguredAirbyteCatalog {
  const bumped = new Set(targets.map(streamDescriptorKey));
  return {
    ...catalog,
    streams: catalog.streams.map((s) =>
      bumped.has(streamDescriptorKey(descriptorOf(s))) ? { ...s, generation_id: generationOf(s) + 1 } : s,
    ),
  };
}

/** The streams read in full every job (their state only lives between the attempts of one job). */
export function fullRefreshStreams(catalog: ConfiguredAirbyteCatalog): StreamDescriptor[] {
  return catalog.streams.filter((s) => s.sync_mode === 'full_refresh').map(descriptorOf);
}

/**
 * What the job runs with, from the connection's catalog after bumpGenerations: every
 * configured stream (only the targets for a clear) with its sync and generation ids.
 */
export function jobCatalog(
  catalog: ConfiguredAirbyteCatalog,
  kind: JobRequest['kind'],
  targets: readonly StreamDescriptor[],
  jobId: string,
): ConfiguredAirbyteCatalog {
  const targeted = new Set(targets.map(streamDescriptorKey));
  const isTarget = (s: ConfiguredAirbyteStream) => targeted.has(streamDescriptorKey(descriptorOf(s)));
  const streams = kind === 'clear' ? catalog.streams.filter(isTarget) : catalog.streams;
  return {
    ...catalog,
    streams: streams.map((s) => {
      const generation = generationOf(s);
      const truncates = isTarget(s) || s.destination_sync_mode === 'overwrite';
      return { ...s, sync_id: Number(jobId), generation_id: generation, minimum_generation_id: truncates ? generation : 0 };
    }),
  };
}

/**
 * A new configured catalog for the connection (e.g. propagated schema changes): each stream
 * keeps the generation it has on the connection, and per-job fields are dropped.
 */
export function keepGenerations(current: ConfiguredAirbyteCatalog, next: ConfiguredAirbyteCatalog): ConfiguredAirbyteCatalog {
  const generations = new Map(current.streams.map((s) => [streamDescriptorKey(descriptorOf(s)), s.generation_id]));
  return {
    ...next,
    streams: next.streams.map(({ sync_id: _sync, minimum_generation_id: _minimum, generation_id: _generation, ...s }) => {
      const generation = generations.get(streamDescriptorKey(descriptorOf(s as ConfiguredAirbyteStream)));
      return generation === undefined || generation === null ? s : { ...s, generation_id: generation };
    }),
  } as ConfiguredAirbyteCatalog;
}
