/**
 * A real low-code source (airbyte-source-declarative-manifest from PyPI) over a local HTTP API:
 * one stream read from `url` + `path`, records under `data`. `retriever` adds to the
 * SimpleRetriever (a paginator), `requester` to its HttpRequester (an error handler) and
 * `incrementalSync` makes the stream incremental (a DatetimeBasedCursor).
 */
import type { SeedActor } from '../db/seed-connection.js';

export const DECLARATIVE_MANIFEST_VERSION = '6.5.2';

export interface DeclarativeStream {
  name: string;
  schema: Record<string, unknown>;
  url: string;
  path: string;
  primaryKey?: string[];
  requester?: Record<string, unknown>;
  retriever?: Record<string, unknown>;
  incrementalSync?: Record<string, unknown>;
}

export function declarativeSource(stream: DeclarativeStream): SeedActor {
  const manifest = {
    version: DECLARATIVE_MANIFEST_VERSION,
    type: 'DeclarativeSource',
    check: { type: 'CheckStream', stream_names: [stream.name] },
    spec: { type: 'Spec', connection_specification: { type: 'object', properties: {} } },
    streams: [
      {
        type: 'DeclarativeStream',
        name: stream.name,
        primary_key: stream.primaryKey ?? ['id'],
        schema_loader: { type: 'InlineSchemaLoader', schema: stream.schema },
        ...(stream.incrementalSync ? { incremental_sync: stream.incrementalSync } : {}),
        retriever: {
          type: 'SimpleRetriever',
          requester: { type: 'HttpRequester', url_base: stream.url, path: stream.path, http_method: 'GET', ...stream.requester },
          record_selector: { type: 'RecordSelector', extractor: { type: 'DpathExtractor', field_path: ['data'] } },
          ...stream.retriever,
        },
      },
    ],
  };
  return {
    runtime: {
      kind: 'pypi',
      package: 'airbyte-source-declarative-manifest',
      version: DECLARATIVE_MANIFEST_VERSION,
      entrypoint: 'source-declarative-manifest',
    },
    config: { __injected_declarative_manifest: manifest },
  };
}
