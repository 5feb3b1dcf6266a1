/** The worker's activities, built from their dependencies (no module-level state). */
import type { ConnectorLauncher } from '@tributary/launcher';
import type { SyncMetrics } from '@tributary/metrics';
import type { JobOptions, TributaryActivities } from '@tributary/workflows';
import { connectorCommandActivity } from './connector-command.js';
import { jobBookkeepingActivities } from './job-bookkeeping.js';
import { replicateActivity, type ReplicateActivityDeps } from './replicate.js';

export interface ActivityDeps extends ReplicateActivityDeps {
  /** retry policy / heartbeat timeout from the worker's configuration */
  jobOptions?: JobOptions;
  /** TRIBUTARY_SECRET_KEY: opens the sealed configs of connector commands */
  secretKey: Buffer;
  /** jobs started and ended, for /metrics */
  metrics?: SyncMetrics;
  /** runs spec/check/discover (one-connector pods with TRIBUTARY_LAUNCHER=kubernetes); default: `launcher` */
  connectorCommandLauncher?: ConnectorLauncher;
}

export function createActivities(deps: ActivityDeps): TributaryActivities {
  return {
    runConnectorCommand: connectorCommandActivity(deps.connectorCommandLauncher ?? deps.launcher, deps.secretKey, deps.persistence),
    replicate: replicateActivity(deps),
    ...jobBookkeepingActivities(deps.persistence, deps.attemptLogs, deps.jobOptions, deps.metrics),
  };
}
