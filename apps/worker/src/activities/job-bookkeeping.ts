/** Activities that only record things: thin wrappers over the persistence port. */
import type { JobPersistence, TributaryActivities } from '@tributary/workflows';

type Bookkeeping = Pick<TributaryActivities, 'loadConnectionSettings' | 'createJob' | 'createAttempt' | 'finishAttempt' | 'finishJob'>;

export function jobBookkeepingActivities(persistence: JobPersistence): Bookkeeping {
  return {
    loadConnectionSettings: ({ connectionId }) => persistence.loadConnectionSettings(connectionId),
    createJob: ({ connectionId, trigger }) => persistence.createJob(connectionId, trigger),
    createAttempt: ({ jobId }) => persistence.createAttempt(jobId),
    finishAttempt: ({ outcome, ...ref }) => persistence.finishAttempt(ref, outcome),
    finishJob: ({ jobId, result }) => persistence.finishJob(jobId, result),
  };
}
