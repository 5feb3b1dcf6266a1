/** Who did what wrong: the failure vocabulary shared by the engine, the worker, the API and the UI. */
import type { FailureType, StreamDescriptor } from '@tributary/protocol';

export type ConnectorRole = 'source' | 'destination';

/** Whose fault a failure is: Airbyte's failure origins, narrowed to what we produce. */
export type FailureOrigin = ConnectorRole | 'replication' | 'platform';

export interface FailureReason {
  origin: FailureOrigin;
  type: FailureType;
  message: string;
  internalMessage?: string;
  stackTrace?: string;
  stream?: StreamDescriptor;
  /** epoch ms */
  timestamp: number;
}
