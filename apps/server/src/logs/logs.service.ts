import { DomainError, ErrorCode, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AttemptEntity, JobEntity } from '@tributary/db';
import { attemptLogKey, InvalidCursorError, type LogPage, type LogStorage } from '@tributary/storage';
import { connectionInScope } from '../auth/scoped-lookups.js';
import type { WorkspaceScope } from '../auth/workspace-scope.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { LOG_STORAGE } from './logs.tokens.js';

/** Attempt logs, read from libs/storage where the worker wrote them (secrets already masked). */
@Injectable()
export class LogsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOG_STORAGE) private readonly storage: LogStorage,
  ) {}

  async attemptLogPage(scope: WorkspaceScope, jobId: string, attemptNumber: number, page: { cursor?: string; limit: number }): Promise<LogPage> {
    const job = await this.dataSource.getRepository(JobEntity).findOne({ where: { id: jobId }, select: { id: true, connectionId: true } });
    if (!job || !(await connectionInScope(this.dataSource, scope, job.connectionId))) throw notFound('job', jobId);
    const attemptExists = await this.dataSource.getRepository(AttemptEntity).existsBy({ jobId, attemptNumber });
    if (!attemptExists) throw notFound('attempt', `${attemptNumber} of job ${jobId}`);
    const key = attemptLogKey({ connectionId: job.connectionId, jobId, attemptNumber });
    try {
      return await this.storage.readPage(key, page);
    } catch (error) {
      if (!(error instanceof InvalidCursorError)) throw error;
      throw new DomainError(ErrorCode.ValidationFailed, `cursor: ${error.message}`, {
        fieldErrors: [{ path: 'cursor', message: 'is not a cursor of this log (pass a nextCursor from a previous page)', in: 'query' }],
      });
    }
  }
}
