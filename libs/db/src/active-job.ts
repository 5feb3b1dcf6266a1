import { In, type EntityManager } from 'typeorm';
import { ACTIVE_JOB_STATUSES, JobEntity } from './entities/index.js';

/** The connection's pending/running job, if any (the database allows one at a time). */
export function activeJobOf(manager: EntityManager, connectionId: string): Promise<JobEntity | null> {
  return manager.getRepository(JobEntity).findOne({ where: { connectionId, status: In([...ACTIVE_JOB_STATUSES]) } });
}
