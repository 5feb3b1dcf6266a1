import { DomainError, ErrorCode, notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AttemptEntity, decodeAttemptLogLocation, JobEntity } from '@tributary/db';
import { attemptLogKey, InvalidCursorError, LogNotFoundError, type LogPage, type Storage } from '@tributary/storage';
import { connectionInScope } from '../auth/scoped-lookups.js';
import type { WorkspaceScope } from '../auth/workspace-scope.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { LOG_STORAGE } from './logs.tokens.js';

/**
 * Attempt logs, read from libs/storage where the worker wrote them (secrets already masked).
 * A log this server cannot read says so: an empty page only ever means an attempt that is
 * running and has not logged yet.
 */
@Injectable()
export class LogsService {
  private storageId: Promise<string> | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOG_STORAGE) private readonly storage: Storage,
  ) {}

  async attemptLogPage(scope: WorkspaceScope, jobId: string, attemptNumber: number, page: { cursor?: string; limit: number }): Promise<LogPage> {
    const job = await this.dataSource.getRepository(JobEntity).findOne({ where: { id: jobId }, select: { id: true, connectionId: true } });
    if (!job || !(await connectionInScope(this.dataSource, scope, job.connectionId))) throw notFound('job', jobId);
    const attempt = await this.dataSource
      .getRepository(AttemptEntity)
      .findOne({ where: { jobId, attemptNumber }, select: { id: true, endedAt: true, logPath: true } });
    if (!attempt) throw notFound('attempt', `${attemptNumber} of job ${jobId}`);
    const what = `the log of attempt ${attemptNumber} of job ${jobId}`;
    const written = decodeAttemptLogLocation(attempt.logPath);
    if (written?.removedAt) throw new DomainError(ErrorCode.NotFound, `${what} was deleted by retention on ${written.removedAt}`);
    if (written && written.storage.id !== (await this.ownStorageId())) {
      throw new DomainError(
        ErrorCode.Unavailable,
        `${what} was written to ${written.storage.location}, which this server does not read (it reads ${this.storage.location}): give the server and every worker one storage (a shared TRIBUTARY_STORAGE_DIR, or TRIBUTARY_STORAGE=s3)`,
      );
    }
    const key = attemptLogKey({ connectionId: job.connectionId, jobId, attemptNumber });
    try {
      return await this.storage.readPage(key, page);
    } catch (error) {
      if (error instanceof LogNotFoundError) {
        // a running attempt may not have flushed its first lines yet; an ended one has a log, or says why not
        if (attempt.endedAt === null) return { entries: [], nextCursor: null };
        throw new DomainError(
          ErrorCode.NotFound,
          written
            ? `${what} is not in ${this.storage.location} any more (deleted by retention, or lost)`
            : `${what} was never written (the attempt ended before it logged anything)`,
        );
      }
      if (!(error instanceof InvalidCursorError)) {
        throw new DomainError(ErrorCode.Unavailable, `${what} cannot be read from ${this.storage.location} right now: ${error instanceof Error ? error.message : String(error)}`);
      }
      throw new DomainError(ErrorCode.ValidationFailed, `cursor: ${error.message}`, {
        fieldErrors: [{ path: 'cursor', message: 'is not a cursor of this log (pass a nextCursor from a previous page)', in: 'query' }],
      });
    }
  }

  private ownStorageId(): Promise<string> {
    this.storageId ??= this.storage.identify().catch((error: unknown) => {
      this.storageId = undefined; // tried again on the next request
      throw new DomainError(ErrorCode.Unavailable, `the log storage cannot be reached: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.storageId;
  }
}
