/**
 * What a connection is doing: the running job with its live progress and the last
 * finished job come from the database (the worker records them); the next scheduled run
 * comes from the connection's workflow, and is simply unknown (null) when the workflow
 * cannot answer: this endpoint never fails because Temporal does.
 */
import { notFound } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import { In, Not, type DataSource } from 'typeorm';
import { ACTIVE_JOB_STATUSES, AttemptEntity, ConnectionEntity, JobEntity, activeJobOf } from '@tributary/db';
import { connectionInScope } from '../auth/scoped-lookups.js';
import type { WorkspaceScope } from '../auth/workspace-scope.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { ConnectionWorkflows } from '../temporal/connection-workflows.service.js';
import { toJobProgress, type ConnectionStatusResponseDto, type LastJobDto, type RunningJobDto } from './connection-status.dto.js';

@Injectable()
export class ConnectionStatusService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ConnectionWorkflows) private readonly workflows: ConnectionWorkflows,
  ) {}

  async status(scope: WorkspaceScope, connectionId: string): Promise<ConnectionStatusResponseDto> {
    const connection = (await connectionInScope(this.dataSource, scope, connectionId))
      ? await this.dataSource.getRepository(ConnectionEntity).findOne({ where: { id: connectionId }, select: { id: true, status: true } })
      : null;
    if (!connection) throw notFound('connection', connectionId);
    const jobs = this.dataSource.getRepository(JobEntity);
    const [runningJob, finishedJob, workflow] = await Promise.all([
      activeJobOf(this.dataSource.manager, connectionId),
      jobs.findOne({ where: { connectionId, status: Not(In([...ACTIVE_JOB_STATUSES])) }, order: { createdAt: 'DESC', id: 'DESC' } }),
      connection.status === 'active' ? this.workflows.status(connectionId) : undefined,
    ]);
    return {
      connectionId,
      status: connection.status,
      running: runningJob ? await this.running(runningJob) : null,
      lastSync: finishedJob ? lastJob(finishedJob, await this.failureOf(finishedJob)) : null,
      nextRunAt: !runningJob && workflow?.nextRunAt !== undefined ? new Date(workflow.nextRunAt).toISOString() : null,
    };
  }

  /** A failed job's last attempt's first failure reason. */
  private async failureOf(job: JobEntity): Promise<LastJobDto['failureReason']> {
    if (job.status !== 'failed') return null;
    const attempt = await this.dataSource
      .getRepository(AttemptEntity)
      .findOne({ where: { jobId: job.id }, order: { attemptNumber: 'DESC' }, select: { failureReasons: true, attemptNumber: true } });
    const reason = attempt?.failureReasons[0];
    return reason ? { origin: reason.origin, type: reason.type, message: reason.message } : null;
  }

  private async running(job: JobEntity): Promise<RunningJobDto> {
    const attempt = await this.dataSource
      .getRepository(AttemptEntity)
      .findOne({ where: { jobId: job.id }, order: { attemptNumber: 'DESC' } });
    return {
      jobId: job.id,
      jobType: job.jobType,
      startedAt: job.createdAt.toISOString(),
      progress: attempt?.stats ? toJobProgress(attempt.attemptNumber, attempt.stats, attempt.updatedAt) : null,
    };
  }
}

function lastJob(job: JobEntity, failureReason: LastJobDto['failureReason']): LastJobDto {
  // a finished job is last written when it finishes
  return { jobId: job.id, jobType: job.jobType, status: job.status as LastJobDto['status'], endedAt: job.updatedAt.toISOString(), failureReason };
}
