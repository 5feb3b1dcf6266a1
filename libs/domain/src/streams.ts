/**
 * Streams as the platform names and selects them: one key per stream however its descriptor
 * is written, and Airbyte's field selection (per stream, the top-level fields the destination
 * gets). A selected stream's json_schema in the connection's configured catalog lists only
 * those fields (what both connectors receive, so a destination creates only those columns);
 * the engine drops any other field a source still emits. A stream without an entry (or with
 * an empty list) syncs every field.
 */
import type { ConfiguredAirbyteCatalog, StreamDescriptor } from '@tributary/protocol';

/** Equal for the same stream however its descriptor was written (absent, null or empty namespace). */
export function streamDescriptorKey(descriptor: Pick<StreamDescriptor, 'name' | 'namespace'>): string {
  return JSON.stringify([descriptor.namespace || null, descriptor.name]);
}

/** The fields of one stream that reach the destination. */
export interface StreamFieldSelection {
  /** the stream in the source's names (as in the catalog) */
  stream: { name: string; namespace?: string | null };
  /** top-level field names; empty: every field */
  fields: string[];
}

/** The fields selected for a stream; undefined when it syncs every field. */
export function selectedFieldsOf(
  selection: readonly StreamFieldSelection[] | undefined,
  stream: { name: string; namespace?: string | null },
): string[] | undefined {
  const key = streamDescriptorKey(stream);
  const entry = selection?.find((s) => streamDescriptorKey(s.stream) === key);
  return entry && entry.fields.length > 0 ? entry.fields : undefined;
}

/**
 * A stream's JSON schema with only the given top-level properties, in the schema's own order
 * (`required` trimmed alike); a schema without `properties` is returned as it is.
 */
export function schemaWithFields(schema: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const properties = schema['properties'];
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return schema;
  const keep = new Set(fields);
  const kept = Object.fromEntries(Object.entries(properties as Record<string, unknown>).filter(([field]) => keep.has(field)));
  const required = schema['required'];
  return {
    ...schema,
    properties: kept,
    ...(Array.isArray(required) ? { required: required.filter((field) => keep.has(field as string)) } : {}),
  };
}

/** The catalog with each selected stream's schema cut down to its selected fields (the same object when none is). */
export function catalogWithSelectedFields(
  catalog: ConfiguredAirbyteCatalog,
  selection: readonly StreamFieldSelection[] | undefined,
): ConfiguredAirbyteCatalog {
  if (!selection || selection.length === 0) return catalog;
  return {
    ...catalog,
    streams: catalog.streams.map((configured) => {
      const fields = selectedFieldsOf(selection, configured.stream);
      return fields
        ? { ...configured, stream: { ...configured.stream, json_schema: schemaWithFields(configured.stream.json_schema, fields) } }
        : configured;
    }),
  };
}
