/**
 * Airbyte Protocol v0 messages (up to v0.5.x), after airbytehq/airbyte-protocol
 * `airbyte_protocol.yaml`. Each schema is the single source of its TypeScript type.
 * Objects are loose: the spec allows additional properties and connectors send them.
 */
// a namespace import, so a bundler keeps only what is used: `import { z }` brings zod's every
// locale, 750 KB of each connector bundle to compile at every start
import * as z from 'zod';

const json = z.unknown();
const jsonObject = z.record(z.string(), json);

export const StreamDescriptorSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().nullish(),
});
export type StreamDescriptor = z.infer<typeof StreamDescriptorSchema>;

// --- RECORD -------------------------------------------------------------------------

export const RecordChangeSchema = z.enum(['NULLED', 'TRUNCATED']);
export const RecordChangeReasonSchema = z.enum([
  'SOURCE_RECORD_SIZE_LIMITATION',
  'DESTINATION_RECORD_SIZE_LIMITATION',
  'PLATFORM_RECORD_SIZE_LIMITATION',
  'SOURCE_FIELD_SIZE_LIMITATION',
  'DESTINATION_FIELD_SIZE_LIMITATION',
  'PLATFORM_FIELD_SIZE_LIMITATION',
  'SOURCE_SERIALIZATION_ERROR',
  'DESTINATION_SERIALIZATION_ERROR',
  'PLATFORM_SERIALIZATION_ERROR',
  'SOURCE_RETRIEVAL_ERROR',
  'DESTINATION_TYPECAST_ERROR',
]);
export const AirbyteRecordMessageMetaChangeSchema = z.looseObject({
  field: z.string(),
  change: RecordChangeSchema,
  reason: RecordChangeReasonSchema,
});
export const AirbyteRecordMessageMetaSchema = z.looseObject({
  changes: z.array(AirbyteRecordMessageMetaChangeSchema).optional(),
});
export const AirbyteRecordMessageSchema = z.looseObject({
  namespace: z.string().nullish(),
  stream: z.string(),
  data: jsonObject,
  /** epoch milliseconds */
  emitted_at: z.number(),
  meta: AirbyteRecordMessageMetaSchema.nullish(),
});
export type AirbyteRecordMessage = z.infer<typeof AirbyteRecordMessageSchema>;
export type AirbyteRecordMessageMeta = z.infer<typeof AirbyteRecordMessageMetaSchema>;

// --- STATE --------------------------------------------------------------------------

export const AirbyteStateTypeSchema = z.enum(['GLOBAL', 'STREAM', 'LEGACY']);
export type AirbyteStateType = z.infer<typeof AirbyteStateTypeSchema>;

export const AirbyteStreamStateSchema = z.looseObject({
  stream_descriptor: StreamDescriptorSchema,
  stream_state: json.optional(),
});
export type AirbyteStreamState = z.infer<typeof AirbyteStreamStateSchema>;

export const AirbyteGlobalStateSchema = z.looseObject({
  shared_state: json.optional(),
  stream_states: z.array(AirbyteStreamStateSchema),
});
export type AirbyteGlobalState = z.infer<typeof AirbyteGlobalStateSchema>;

export const AirbyteStateStatsSchema = z.looseObject({ recordCount: z.number().optional() });
export type AirbyteStateStats = z.infer<typeof AirbyteStateStatsSchema>;

export const AirbyteStateMessageSchema = z.looseObject({
  /** absent means LEGACY */
  type: AirbyteStateTypeSchema.optional(),
  stream: AirbyteStreamStateSchema.optional(),
  global: AirbyteGlobalStateSchema.optional(),
  /** LEGACY state blob */
  data: json.optional(),
  sourceStats: AirbyteStateStatsSchema.optional(),
  destinationStats: AirbyteStateStatsSchema.optional(),
});
export type AirbyteStateMessage = z.infer<typeof AirbyteStateMessageSchema>;

// --- LOG ----------------------------------------------------------------------------

export const LogLevelSchema = z.enum(['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE']);
export type LogLevel = z.infer<typeof LogLevelSchema>;
export const AirbyteLogMessageSchema = z.looseObject({
  level: LogLevelSchema,
  message: z.string(),
  stack_trace: z.string().nullish(),
});
export type AirbyteLogMessage = z.infer<typeof AirbyteLogMessageSchema>;

// --- TRACE --------------------------------------------------------------------------

export const FailureTypeSchema = z.enum(['system_error', 'config_error', 'transient_error']);
export type FailureType = z.infer<typeof FailureTypeSchema>;

export const AirbyteErrorTraceMessageSchema = z.looseObject({
  message: z.string(),
  internal_message: z.string().nullish(),
  stack_trace: z.string().nullish(),
  failure_type: FailureTypeSchema.nullish(),
  stream_descriptor: StreamDescriptorSchema.nullish(),
});
export type AirbyteErrorTraceMessage = z.infer<typeof AirbyteErrorTraceMessageSchema>;

export const AirbyteEstimateTraceMessageSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().nullish(),
  type: z.enum(['STREAM', 'SYNC']),
  row_estimate: z.number().nullish(),
  byte_estimate: z.number().nullish(),
});
export type AirbyteEstimateTraceMessage = z.infer<typeof AirbyteEstimateTraceMessageSchema>;

export const AirbyteStreamStatusSchema = z.enum(['STARTED', 'RUNNING', 'COMPLETE', 'INCOMPLETE']);
export const AirbyteStreamStatusReasonSchema = z.looseObject({
  type: z.enum(['RATE_LIMITED']),
  rate_limited: z.looseObject({ quota_reset: z.number().nullish() }).nullish(),
});
export const AirbyteStreamStatusTraceMessageSchema = z.looseObject({
  stream_descriptor: StreamDescriptorSchema,
  status: AirbyteStreamStatusSchema,
  reasons: z.array(AirbyteStreamStatusReasonSchema).nullish(),
});
export type AirbyteStreamStatusTraceMessage = z.infer<typeof AirbyteStreamStatusTraceMessageSchema>;

export const AirbyteAnalyticsTraceMessageSchema = z.looseObject({
  type: z.string(),
  value: z.string().nullish(),
});

export const AirbyteTraceMessageSchema = z.looseObject({
  type: z.enum(['ERROR', 'ESTIMATE', 'STREAM_STATUS', 'ANALYTICS']),
  emitted_at: z.number(),
  error: AirbyteErrorTraceMessageSchema.nullish(),
  estimate: AirbyteEstimateTraceMessageSchema.nullish(),
  stream_status: AirbyteStreamStatusTraceMessageSchema.nullish(),
  analytics: AirbyteAnalyticsTraceMessageSchema.nullish(),
});
export type AirbyteTraceMessage = z.infer<typeof AirbyteTraceMessageSchema>;

// --- CONTROL ------------------------------------------------------------------------

export const AirbyteControlMessageSchema = z.looseObject({
  type: z.enum(['CONNECTOR_CONFIG']),
  emitted_at: z.number(),
  connectorConfig: z.looseObject({ config: jsonObject }).nullish(),
});
export type AirbyteControlMessage = z.infer<typeof AirbyteControlMessageSchema>;

// --- SPEC, CONNECTION_STATUS, CATALOG -----------------------------------------------

export const SyncModeSchema = z.enum(['full_refresh', 'incremental']);
export type SyncMode = z.infer<typeof SyncModeSchema>;
export const DestinationSyncModeSchema = z.enum(['append', 'overwrite', 'append_dedup', 'update', 'soft_delete']);
export type DestinationSyncMode = z.infer<typeof DestinationSyncModeSchema>;

export const ConnectorSpecificationSchema = z.looseObject({
  protocol_version: z.string().nullish(),
  documentationUrl: z.string().nullish(),
  changelogUrl: z.string().nullish(),
  connectionSpecification: jsonObject,
  supportsIncremental: z.boolean().nullish(),
  supportsNormalization: z.boolean().nullish(),
  supportsDBT: z.boolean().nullish(),
  supported_destination_sync_modes: z.array(DestinationSyncModeSchema).nullish(),
  advanced_auth: jsonObject.nullish(),
});
export type ConnectorSpecification = z.infer<typeof ConnectorSpecificationSchema>;

export const AirbyteConnectionStatusSchema = z.looseObject({
  status: z.enum(['SUCCEEDED', 'FAILED']),
  message: z.string().nullish(),
});
export type AirbyteConnectionStatus = z.infer<typeof AirbyteConnectionStatusSchema>;

export const AirbyteStreamSchema = z.looseObject({
  name: z.string(),
  json_schema: jsonObject,
  supported_sync_modes: z.array(SyncModeSchema).min(1),
  source_defined_cursor: z.boolean().nullish(),
  default_cursor_field: z.array(z.string()).nullish(),
  source_defined_primary_key: z.array(z.array(z.string())).nullish(),
  namespace: z.string().nullish(),
  is_resumable: z.boolean().nullish(),
  is_file_based: z.boolean().nullish(),
});
export type AirbyteStream = z.infer<typeof AirbyteStreamSchema>;

export const AirbyteCatalogSchema = z.looseObject({ streams: z.array(AirbyteStreamSchema) });
export type AirbyteCatalog = z.infer<typeof AirbyteCatalogSchema>;

export const ConfiguredAirbyteStreamSchema = z.looseObject({
  stream: AirbyteStreamSchema,
  sync_mode: SyncModeSchema,
  cursor_field: z.array(z.string()).nullish(),
  destination_sync_mode: DestinationSyncModeSchema,
  primary_key: z.array(z.array(z.string())).nullish(),
  /** monotonically increasing id of the "generation" of data in the destination */
  generation_id: z.number().int().nonnegative().nullish(),
  /** destination removes data of generations below this once the sync succeeds */
  minimum_generation_id: z.number().int().nonnegative().nullish(),
  sync_id: z.number().int().nullish(),
});
export type ConfiguredAirbyteStream = z.infer<typeof ConfiguredAirbyteStreamSchema>;

export const ConfiguredAirbyteCatalogSchema = z.looseObject({
  streams: z.array(ConfiguredAirbyteStreamSchema),
});
export type ConfiguredAirbyteCatalog = z.infer<typeof ConfiguredAirbyteCatalogSchema>;

// --- the envelope -------------------------------------------------------------------

export const AirbyteMessageTypeSchema = z.enum(['RECORD', 'STATE', 'LOG', 'SPEC', 'CONNECTION_STATUS', 'CATALOG', 'TRACE', 'CONTROL']);
export type AirbyteMessageType = z.infer<typeof AirbyteMessageTypeSchema>;

/** A validated message: a discriminated union on `type`, so each payload is present. */
export const AirbyteMessageSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('RECORD'), record: AirbyteRecordMessageSchema }),
  z.looseObject({ type: z.literal('STATE'), state: AirbyteStateMessageSchema }),
  z.looseObject({ type: z.literal('LOG'), log: AirbyteLogMessageSchema }),
  z.looseObject({ type: z.literal('SPEC'), spec: ConnectorSpecificationSchema }),
  z.looseObject({ type: z.literal('CONNECTION_STATUS'), connectionStatus: AirbyteConnectionStatusSchema }),
  z.looseObject({ type: z.literal('CATALOG'), catalog: AirbyteCatalogSchema }),
  z.looseObject({ type: z.literal('TRACE'), trace: AirbyteTraceMessageSchema }),
  z.looseObject({ type: z.literal('CONTROL'), control: AirbyteControlMessageSchema }),
]);
export type AirbyteMessage = z.infer<typeof AirbyteMessageSchema>;
export type AirbyteMessageOf<T extends AirbyteMessageType> = Extract<AirbyteMessage, { type: T }>;
