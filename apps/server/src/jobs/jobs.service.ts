import { dateTimeValue } from '../validation/date-time.js';
import { DomainError, ErrorCode, notFound, streamDescriptorKey } from '@tributary/domain';
import { Inject, Injectable } from '@nestjs/common';
import { And, Equal, In, LessThan, MoreThanOrEqual, Raw, type DataSource, type FindOperator, type FindOptionsWhere } from 'typeorm';
import { ACTIVE_JOB_STATUSES, AttemptEntity, ConnectionEntity, JobEntity, activeJobOf } from '@tributary/db';
import type { StreamDescriptor } from '@tributary/protocol';
import type { JobRequest } from '@tributary/workflows';
import { CONNECTIONS_OF_WORKSPACE, connectionInScope } from '../auth/scoped-lookups.js';
import { scopedWorkspaceId, type WorkspaceScope } from '../auth/workspace-scope.js';
import { pageWindow } from '../common/pagination.dto.js';
import { ApiProblem } from '../errors/api-problem.js';
import { DATA_SOURCE } from '../infrastructure/tokens.js';
import { ConnectionWorkflows } from '../temporal/connection-workflows.service.js';
import type { CreateJobDto, ListJobsQueryDto } from './job.dto.js';

/** How long a job request waits for the connection's workflow to close a job that has already finished. */
const CLOSING_JOB_GRACE_MS = 10_000;

const isActive = (job: Pick<JobEntity, 'status'>) => (ACTIVE_JOB_STATUSES as readonly string[]).includes(job.status);

const alreadyRunning = (connectionId: string, jobId: string) =>
  new ApiProblem(
    409,
    'job_already_running',
    'Conflict',
    `job ${jobId} is already running on connection ${connectionId}: wait for it or cancel it`,
    {
      runningJobId: jobId,
    },
  );

/**
 * Jobs: history from the database; starting and cancelling go through the connection's
 * workflow, which runs one job at a time and records each job (the worker writes the rows).
 */
@Injectable()
export class JobsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ConnectionWorkflows) private readonly workflows: ConnectionWorkflows,
  ) {}

  private get jobs() {
    return this.dataSource.getRepository(JobEntity);
  }

  /** The scope's jobs (another workspace's connection asked for by `connectionId` has none to show). */
  list(scope: WorkspaceScope, query: ListJobsQueryDto): Promise<JobEntity[]> {
    const workspaceId = scopedWorkspaceId(scope);
    const connection: FindOperator<string>[] = [];
    if (query.connectionId) connection.push(Equal(query.connectionId));
    if (workspaceId) connection.push(Raw(CONNECTIONS_OF_WORKSPACE, { scopeWorkspaceId: workspaceId }));
    const created: FindOperator<Date>[] = [];
    if (query.createdAfter) created.push(MoreThanOrEqual(dateTimeValue(query.createdAfter)));
    if (query.createdBefore) created.push(LessThan(dateTimeValue(query.createdBefore)));
    const where: FindOptionsWhere<JobEntity> = {
      ...(connection.length > 0 ? { connectionId: connection.length === 1 ? connection[0] : And(...connection) } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.jobType ? { jobType: query.jobType } : {}),
      ...(created.length > 0 ? { createdAt: created.length === 1 ? created[0] : And(...created) } : {}),
    };
    return this.jobs.find({ where, order: { createdAt: 'DESC', id: 'DESC' }, ...pageWindow(query) });
  }

  async get(scope: WorkspaceScope, id: string): Promise<{ job: JobEntity; attempts: AttemptEntity[] }> {
    const job = await this.find(scope, id);
    const attempts = await this.dataSource.getRepository(AttemptEntity).find({ where: { jobId: id }, order: { attemptNumber: 'ASC' } });
    return { job, attempts };
  }

  /**
   * Starts a sync, clear or refresh now, through the connection's workflow (started if it
   * does not run, e.g. after Temporal lost it). One job at a time: 409 with the running one.
   */
  async create(scope: WorkspaceScope, input: CreateJobDto): Promise<JobEntity> {
    const connection = (await connectionInScope(this.dataSource, scope, input.connectionId))
      ? await this.dataSource.getRepository(ConnectionEntity).findOneBy({ id: input.connectionId })
      : null;
    if (!connection) {
      throw new DomainError(ErrorCode.NotFound, `connection ${input.connectionId} not found`, {
        fieldErrors: [{ path: '/connectionId', message: 'no such connection' }],
      });
    }
    if (connection.status !== 'active') {
      throw new DomainError(
        ErrorCode.Conflict,
        `connection ${connection.id} is ${connection.status}: only an active connection runs jobs (PATCH its status to active first)`,
      );
    }
    const request: JobRequest = { kind: input.jobType, ...(input.streams ? { streams: this.configuredStreams(connection, input) } : {}) };
    // the database knows the running job already: no need to ask the connection workflow,
    // unless no workflow runs that job (an orphan: the worker closes it when the next job starts)
    const running = await activeJobOf(this.dataSource.manager, connection.id);
    if (running && (await this.workflows.jobWorkflowRunning(running.id))) throw alreadyRunning(connection.id, running.id);

    const deadline = Date.now() + CLOSING_JOB_GRACE_MS;
    for (;;) {
      const result = await this.workflows.runJob(connection.id, request);
      // the workflow's createJob activity has written the row before answering
      if (result.status === 'started') return this.jobs.findOneByOrFail({ id: result.jobId });
      // a job the database shows finished may still be closing in the connection's workflow (its
      // result recorded, its workflow not yet returned): a client that saw it finish is not refused
      if (!(await this.isFinished(result.jobId)) || Date.now() > deadline) throw alreadyRunning(connection.id, result.jobId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The job; 404 when there is none, or its connection is outside the scope. */
  private async find(scope: WorkspaceScope, id: string): Promise<JobEntity> {
    const job = await this.jobs.findOneBy({ id });
    if (!job || !(await connectionInScope(this.dataSource, scope, job.connectionId))) throw notFound('job', id);
    return job;
  }

  private async isFinished(jobId: string): Promise<boolean> {
    const job = await this.jobs.findOne({ where: { id: jobId }, select: { id: true, status: true } });
    return job !== null && !isActive(job);
  }

  /** Asks the running job to stop (its connectors are stopped, committed state kept); 202: it ends as cancelled shortly. */
  async cancel(scope: WorkspaceScope, id: string): Promise<JobEntity> {
    const job = await this.find(scope, id);
    if (!isActive(job))
      throw new DomainError(ErrorCode.Conflict, `job ${id} is ${job.status} already: only a running job can be cancelled`);
    if (!(await this.workflows.cancelJob(job.connectionId, id))) {
      // no workflow runs it (terminated, lost): nothing else will ever finish it
      await this.dataSource.transaction(async (manager) => {
        await manager.update(JobEntity, { id, status: In([...ACTIVE_JOB_STATUSES]) }, { status: 'cancelled' });
        await manager.update(AttemptEntity, { jobId: id, status: 'running' }, { status: 'cancelled', endedAt: new Date() });
      });
    }
    return this.jobs.findOneByOrFail({ id });
  }

  /** The requested streams, each one the connection syncs; 422 naming `streams` otherwise. */
  private configuredStreams(connection: ConnectionEntity, input: CreateJobDto): StreamDescriptor[] {
    const fail = (detail: string): never => {
      throw new ApiProblem(422, 'invalid_streams', 'Unprocessable content', `streams: ${detail}`, {
        errors: [{ pointer: '#/streams', detail }],
      });
    };
    const streams = input.streams ?? [];
    if (input.jobType === 'sync') fail('a sync runs every configured stream: only clear and refresh jobs take streams');
    if (streams.length === 0) fail('is empty: omit it for every configured stream');
    const configured = new Set(connection.configuredCatalog.streams.map((s) => streamDescriptorKey(s.stream)));
    const unknown = streams.filter((s) => !configured.has(streamDescriptorKey(s)));
    if (unknown.length > 0) {
      const names = unknown.map((s) => (s.namespace ? `${s.namespace}.${s.name}` : s.name)).join(', ');
      fail(`the connection does not sync ${names}`);
    }
    return streams.map((s) => ({ name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) }));
  }
}
