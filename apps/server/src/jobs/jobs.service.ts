import { Inject, Injectable } from '@nestjs/common';
import { And, LessThan, MoreThanOrEqual, type DataSource, type FindOperator, type FindOptionsWhere } from 'typeorm';
import { AttemptEntity, JobEntity, notFound } from '@tributary/db';
import { pageWindow } from '../common/pagination.dto.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import type { ListJobsQueryDto } from './job.dto.js';

/** Job history (read side). Starting and cancelling jobs goes through Temporal. */
@Injectable()
export class JobsService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  list(query: ListJobsQueryDto): Promise<JobEntity[]> {
    const created: FindOperator<Date>[] = [];
    if (query.createdAfter) created.push(MoreThanOrEqual(new Date(query.createdAfter)));
    if (query.createdBefore) created.push(LessThan(new Date(query.createdBefore)));
    const where: FindOptionsWhere<JobEntity> = {
      ...(query.connectionId ? { connectionId: query.connectionId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.jobType ? { jobType: query.jobType } : {}),
      ...(created.length > 0 ? { createdAt: created.length === 1 ? created[0] : And(...created) } : {}),
    };
    return this.dataSource.getRepository(JobEntity).find({ where, order: { createdAt: 'DESC', id: 'DESC' }, ...pageWindow(query) });
  }

  async get(id: string): Promise<{ job: JobEntity; attempts: AttemptEntity[] }> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id });
    if (!job) throw notFound('job', id);
    const attempts = await this.dataSource.getRepository(AttemptEntity).find({ where: { jobId: id }, order: { attemptNumber: 'ASC' } });
    return { job, attempts };
  }
}
