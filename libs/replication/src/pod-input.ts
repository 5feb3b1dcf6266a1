/**
 * What a replication pod is given (the worker writes it into the attempt's Kubernetes Secret;
 * the init container and the orchestrator read it): everything replicate() needs that is not
 * a process, plus where to report back.
 */
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import type { StreamFieldSelection } from '@tributary/domain';
import type { ConnectorSide, DestinationNaming, ReplicationOptions, ReplicationState } from './types.js';

export interface ReplicationPodInput {
  attempt: { connectionId: string; jobId: string; attemptNumber: number };
  /** the Config API as the pod reaches it; calls carry the attempt's own runner token */
  apiUrl: string;
  /** a clear: only the destination runs (it receives the cleared streams and no records) */
  destinationOnly: boolean;
  source: ConnectorSide;
  destination: ConnectorSide;
  catalog: ConfiguredAirbyteCatalog;
  destinationNaming?: DestinationNaming;
  fieldSelection?: StreamFieldSelection[];
  state?: ReplicationState;
  /** the plaintext of every secret in both configs: masked in what the pod reports */
  secretValues: string[];
  /** spillMaxBytes: the orchestrator gives the sync a spill file that size in the pod's shared emptyDir */
  options?: Pick<ReplicationOptions, 'maxLineBytes' | 'spillMaxBytes'>;
}
