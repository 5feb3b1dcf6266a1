/**
 * The server's side of the per-connection workflow: start it, tell it about changes, ask
 * it to run a job, cancel a job, read its status. The database is the source of truth:
 * callers write it first, then call here; the workflow reloads what it needs.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import {
  WORKFLOW_TYPES,
  cancelJobUpdate,
  cancelSyncJobSignal,
  connectionDeletedSignal,
  connectionStatusQuery,
  connectionUpdatedSignal,
  connectionWorkflowId,
  runJobUpdate,
  syncJobWorkflowId,
  type ConnectionWorkflow,
  type ConnectionWorkflowInput,
  type ConnectionWorkflowStatus,
  type JobRequest,
  type RunJobResult,
} from '@tributary/workflows';
import { ApiProblem } from '../errors/api-problem.js';
import { TemporalRpc, grpcCode, isDeadlineExceeded } from './temporal-rpc.js';
import { WorkerAvailability } from './worker-availability.js';

const GRPC_RESOURCE_EXHAUSTED = 8;

/** A status query needs a worker to answer; the status endpoint does not wait longer than this for it. */
const STATUS_QUERY_TIMEOUT_MS = 2_000;

@Injectable()
export class ConnectionWorkflows {
  constructor(
    @Inject(TemporalRpc) private readonly rpc: TemporalRpc,
    @Inject(WorkerAvailability) private readonly workers: WorkerAvailability,
  ) {}

  private startOptions(connectionId: string) {
    return {
      taskQueue: this.rpc.settings.taskQueue,
      workflowId: connectionWorkflowId(connectionId),
      args: [{ connectionId }] as [ConnectionWorkflowInput],
      // one workflow per connection: starting it again is a no-op
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
    };
  }

  /** Starts the workflow of an active connection (nothing happens if it runs already). */
  async start(connectionId: string): Promise<void> {
    await this.rpc.control(`start the workflow of connection ${connectionId}`, () =>
      this.rpc.client.workflow.start<ConnectionWorkflow>(WORKFLOW_TYPES.connection, this.startOptions(connectionId)),
    );
  }

  /**
   * The connection's settings changed. An active connection's workflow is started if it is
   * not running (it ends when a connection is deactivated, and may have died); an inactive
   * one's is only told, so that it stops.
   */
  async updated(connectionId: string, active: boolean): Promise<void> {
    const workflowId = connectionWorkflowId(connectionId);
    await this.rpc.control(`signal the workflow of connection ${connectionId}`, async () => {
      if (active) {
        const { taskQueue, args } = this.startOptions(connectionId);
        // signal-with-start signals the running workflow, or starts one and signals it
        await this.rpc.client.workflow.signalWithStart<ConnectionWorkflow, []>(WORKFLOW_TYPES.connection, {
          taskQueue,
          workflowId,
          args,
          signal: connectionUpdatedSignal,
          signalArgs: [],
        });
      } else {
        await ignoreNotFound(this.rpc.client.workflow.getHandle(workflowId).signal(connectionUpdatedSignal));
      }
    });
  }

  /** The connection is gone: its workflow cancels a running job and ends. No workflow is fine. */
  async deleted(connectionId: string): Promise<void> {
    await this.rpc.control(`signal the workflow of connection ${connectionId}`, () =>
      ignoreNotFound(this.rpc.client.workflow.getHandle(connectionWorkflowId(connectionId)).signal(connectionDeletedSignal)),
    );
  }

  /**
   * Asks the connection's workflow to run a job, starting the workflow if it is not running
   * (so a connection whose workflow was never started or died heals here). Resolves once the
   * workflow has created the job, or with the job already running.
   */
  async runJob(connectionId: string, request: JobRequest): Promise<RunJobResult> {
    await this.workers.ensureWorkerPolling();
    const { jobStartTimeoutMs } = this.rpc.settings;
    const deadline = Date.now() + jobStartTimeoutMs;
    const send = async (): Promise<RunJobResult> => {
      try {
        const operation = new WithStartWorkflowOperation<ConnectionWorkflow>(WORKFLOW_TYPES.connection, this.startOptions(connectionId));
        return await this.rpc.client.workflow.executeUpdateWithStart(runJobUpdate, { args: [request], startWorkflowOperation: operation });
      } catch (error) {
        // right after a job the workflow continues as new: an update landing in that instant
        // is refused as "closing" and goes to the new run when sent again. A run that ended
        // (the connection was inactive a moment ago) is started again by the next send.
        const runEnded = error instanceof WorkflowUpdateFailedError && /completed before the Update completed/.test(error.cause?.message ?? error.message);
        if ((grpcCode(error) !== GRPC_RESOURCE_EXHAUSTED && !runEnded) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return send();
      }
    };
    return this.rpc.withDeadline(
      jobStartTimeoutMs,
      send,
      (error) => {
        if (error instanceof WorkflowUpdateFailedError) {
          // the workflow refused (e.g. the connection was deleted meanwhile)
          throw new ApiProblem(
            409,
            'job_not_started',
            'Conflict',
            `the connection's workflow refused the job: ${error.cause?.message ?? error.message}`,
          );
        }
        if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(error)) {
          throw new ApiProblem(
            504,
            'job_start_timeout',
            'Gateway timeout',
            `the ${request.kind} request reached the workflow of connection ${connectionId}, but no job was created within ${Math.round(jobStartTimeoutMs / 1000)} s (the worker may be busy): it may still start, see GET /api/v1/jobs?connectionId=${connectionId}`,
          );
        }
        return this.rpc.unavailable(`request a ${request.kind} job on connection ${connectionId}`, error);
      },
    );
  }

  /**
   * Cancels a running job: the job's own workflow stops its connectors. Between job creation
   * and the start of that workflow, only the connection workflow knows the job: it cancels it
   * if, and only if, that job is the one it runs. Returns false when no workflow runs the job
   * (an orphan: the caller closes it).
   */
  async cancelJob(connectionId: string, jobId: string): Promise<boolean> {
    return this.rpc.control(`cancel job ${jobId}`, async () => {
      const { client } = this.rpc;
      if (await ignoreNotFound(client.workflow.getHandle(syncJobWorkflowId(jobId)).signal(cancelSyncJobSignal))) return true;
      try {
        const answer = await client.workflow.getHandle(connectionWorkflowId(connectionId)).executeUpdate(cancelJobUpdate, { args: [{ jobId }] });
        return answer === 'cancelling';
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    });
  }

  /** Whether the job's own workflow runs (a job row marked running without one is an orphan). */
  async jobWorkflowRunning(jobId: string): Promise<boolean> {
    return this.rpc.control(`describe job ${jobId}`, async () => {
      try {
        const description = await this.rpc.client.workflow.getHandle(syncJobWorkflowId(jobId)).describe();
        return description.status.name === 'RUNNING';
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    });
  }

  /** What the workflow says (next run, running job); undefined when it does not run or cannot answer now. */
  async status(connectionId: string): Promise<ConnectionWorkflowStatus | undefined> {
    try {
      return await this.rpc.client.connection.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () =>
        this.rpc.client.workflow.getHandle(connectionWorkflowId(connectionId)).query(connectionStatusQuery),
      );
    } catch {
      // not running, no worker to answer, Temporal down: the status endpoint shows what the database knows
      return undefined;
    }
  }
}

/** true when the call went through, false when the workflow does not exist (or has ended). */
async function ignoreNotFound(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
