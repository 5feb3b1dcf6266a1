/**
 * @tributary/domain: the vocabulary every part of Tributary shares (failure reasons, log
 * entries, domain errors, stream selections, stats shapes, sync modes, secret masking).
 * Types and small pure functions only: no I/O, no Node builtins, so workflow code may import
 * values from it, and nothing heavy comes along with it.
 */
export type { ConnectorRole, FailureOrigin, FailureReason } from './failures.js';
export type { LogEntry, LogLevel, LogSink } from './logs.js';
export { DomainError, ErrorCode, notFound, type FieldError } from './errors.js';
export { ROLES, isRole, isWorkspaceRole, roleAtLeast, type Role } from './roles.js';
export { canonicalJson, sameJson } from './json.js';
export { isCombinedStreamFailure, retryVerdict, type RetryVerdict } from './retry-verdict.js';
export { SECRET_MASK, MIN_MASKED_SECRET_LENGTH, collectSecretStrings, maskFailure, maskSecrets, type SecretMasker } from './secrets.js';
export {
  SYNC_COUNTERS,
  storedStreamStats,
  syncCounters,
  type AttemptStats,
  type StoredStreamStats,
  type StreamStats,
  type SyncCounter,
  type SyncCounters,
} from './stats.js';
export {
  catalogWithSelectedFields,
  schemaWithFields,
  selectedFieldsOf,
  streamDescriptorKey,
  type StreamFieldSelection,
} from './streams.js';
export { STREAM_SYNC_MODES, STREAM_SYNC_MODE_NAMES, streamSyncModeOf, type StreamSyncMode } from './sync-modes.js';
export {
  CatalogConfigurationError,
  SYNC_MODE_CHOICES,
  configureCatalog,
  type ConfigureOptions,
  type SyncModeChoice,
} from './configure-catalog.js';
export {
  ATTEMPT_LABEL,
  CONNECTION_ID_LABEL,
  JOB_ID_LABEL,
  JOB_POD_LABEL,
  JOB_POD_LABEL_VALUE,
  JOB_POD_SELECTOR,
  JOB_TYPE_LABEL,
  jobPodLabels,
  labelValue,
  type JobPodLabelValues,
} from './job-pod-labels.js';
export { KUBERNETES_QUANTITY, RESOURCE_REQUIREMENT_FIELDS, isKubernetesQuantity, quantityAmount, type JobType, type ResourceRequirements } from './resources.js';
export {
  NOTIFICATION_EVENTS,
  NOTIFICATION_CHANNEL_KINDS,
  DELIVERY_STATUSES,
  cloudEventType,
  type NotificationEvent,
  type NotificationChannelKind,
  type DeliveryStatus,
} from './notifications.js';
