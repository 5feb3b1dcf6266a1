/** The worker's activities, built from their dependencies (no module-level state). */
import type { TributaryActivities } from '@tributary/workflows';
import { connectorCommandActivity } from './connector-command.js';
import { jobBookkeepingActivities } from './job-bookkeeping.js';
import { replicateActivity, type ReplicateActivityDeps } from './replicate.js';

export type ActivityDeps = ReplicateActivityDeps;

export function createActivities(deps: ActivityDeps): TributaryActivities {
  return {
    runConnectorCommand: connectorCommandActivity(deps.launcher),
    replicate: replicateActivity(deps),
    ...jobBookkeepingActivities(deps.persistence),
  };
}
