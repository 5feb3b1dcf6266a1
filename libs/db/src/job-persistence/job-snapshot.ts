/**
 * What a job runs with, frozen into job.config_snapshot when it is created, so retries and
 * history stay true after the connection is edited. No connector config here: configs (and
 * their secrets) are read from the actors, decrypted, only when an attempt needs them.
 */
import type { StreamFieldSelection } from '@tributary/domain';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import type { DestinationNaming } from '@tributary/replication';
import type { JobKind, JobTrigger, NonBreakingChangesPolicy } from '@tributary/workflows';
import type { ActorDefinitionEntity, ActorEntity } from '../entities/index.js';

export interface ActorSnapshot {
  actorId: string;
  definitionId: string;
  definitionName: string;
  definitionVersion: string;
}

export interface JobConfigSnapshot {
  kind: JobKind;
  trigger: JobTrigger;
  /** the streams with their sync_id, generation_id and minimum_generation_id (a selected stream's schema lists only its selected fields) */
  catalog: ConfiguredAirbyteCatalog;
  /** the streams that sync only some fields; absent in snapshots of older versions (= none) */
  fieldSelection?: StreamFieldSelection[];
  /** the connection's namespace definition and prefix; absent in snapshots of older versions (= source naming) */
  destinationNaming?: DestinationNaming;
  /** absent for a clear: no source runs, so nothing is discovered */
  nonBreakingChangesPolicy?: NonBreakingChangesPolicy;
  source: ActorSnapshot;
  destination: ActorSnapshot;
}

export function actorSnapshot(actor: ActorEntity, definition: ActorDefinitionEntity): ActorSnapshot {
  return { actorId: actor.id, definitionId: definition.id, definitionName: definition.name, definitionVersion: definition.version };
}

/** The snapshot column is untyped jsonb: this is the one place that reads it as a snapshot. */
export function readSnapshot(jobId: string, raw: Record<string, unknown>): JobConfigSnapshot {
  const snapshot = raw as Partial<JobConfigSnapshot>;
  if (!snapshot.kind || !snapshot.catalog || !snapshot.source?.actorId || !snapshot.destination?.actorId) {
    throw new Error(`job ${jobId} has no config snapshot a worker can run (created by an older version?)`);
  }
  return snapshot as JobConfigSnapshot;
}
