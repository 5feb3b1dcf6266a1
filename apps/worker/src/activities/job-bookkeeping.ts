/** Activities that only record things: thin wrappers over the persistence port. */
import type { JobOptions, JobPersistence, TributaryActivities } from '@tributary/workflows';

type Bookkeeping = Pick<TributaryActivities, 'loadConnectionSettings' | 'createJob' | 'createAttempt' | 'finishAttempt' | 'finishJob'>;

/** jobOptions: the worker's configured retry policy / heartbeat timeout, handed to every connection workflow */
export function jobBookkeepingActivities(persistence: JobPersistence, jobOptions?: JobOptions): Bookkeeping {
  return {
    loadConnectionSettings: async ({ connectionId }) => ({ ...(await persistence.loadConnectionSettings(connectionId)), ...(jobOptions ? { jobOptions } : {}) }),
    createJob: ({ connectionId, trigger, request }) => persistence.createJob(connectionId, trigger, request),
    createAttempt: ({ jobId }) => persistence.createAttempt(jobId),
    finishAttempt: ({ outcome, ...ref }) => persistence.finishAttempt(ref, outcome),
    finishJob: ({ jobId, result }) => persistence.finishJob(jobId, result),
  };
}
