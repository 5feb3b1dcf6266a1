/**
 * Self-heal, every minute: what Temporal and the database should agree on, made to agree.
 * 1. Every active connection has its connection workflow running (it schedules the syncs): one
 *    that is missing, failed or was terminated is started again.
 * 2. A job the database shows active whose own workflow no longer runs (terminated, lost with a
 *    Temporal database) is failed with that reason, so its connection is not blocked and nobody
 *    waits on it. A job whose workflow runs is Temporal's to time out: its activity heartbeat
 *    fails an attempt whose worker went silent, and the workflow retries or fails the job.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from '@tributary/config';
import { finishJob } from '@tributary/db';
import { connectionWorkflowId, syncJobWorkflowId, WORKFLOW_TYPES } from '@tributary/workflows';
import type { DataSource } from 'typeorm';
import { scheduledRun, type ScheduledRunResult } from './scheduled-run.js';

export interface SelfHealDeps {
  dataSource: DataSource;
  temporal: Client;
  taskQueue: string;
}

export interface SelfHealCounts {
  connectionsChecked: number;
  workflowsStarted: number;
  jobsChecked: number;
  orphanJobsFailed: number;
}

/** a job younger than this may still be starting its workflow: left alone */
export const ORPHAN_GRACE_SECONDS = 120;

/**
 * Each call to Temporal gives up after this long: against an unreachable Temporal the SDK
 * would retry for about 20 s, and a run in progress holds up cron's shutdown.
 */
export const TEMPORAL_CALL_TIMEOUT_MS = 5_000;

const withDeadline = <T>(temporal: Client, call: () => Promise<T>): Promise<T> =>
  temporal.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, call);

async function running(temporal: Client, workflowId: string): Promise<boolean> {
  try {
    return (await withDeadline(temporal, () => temporal.workflow.getHandle(workflowId).describe())).status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

export async function runSelfHeal(deps: SelfHealDeps, logger: Logger): Promise<SelfHealCounts> {
  const counts: SelfHealCounts = { connectionsChecked: 0, workflowsStarted: 0, jobsChecked: 0, orphanJobsFailed: 0 };
  const active = (await deps.dataSource.query(`SELECT id FROM connection WHERE status = 'active' ORDER BY id`)) as { id: string }[];
  for (const { id } of active) {
    counts.connectionsChecked++;
    if (await running(deps.temporal, connectionWorkflowId(id))) continue;
    // USE_EXISTING: a server that started it meanwhile wins, and nothing runs twice
    await withDeadline(deps.temporal, () =>
      deps.temporal.workflow.start(WORKFLOW_TYPES.connection, {
        taskQueue: deps.taskQueue,
        workflowId: connectionWorkflowId(id),
        args: [{ connectionId: id }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    );
    counts.workflowsStarted++;
    logger.warn({ job: 'self-heal', connectionId: id }, `started the workflow of active connection ${id}: it was not running`);
  }

  const jobs = (await deps.dataSource.query(
    `SELECT id::text AS id FROM job WHERE status IN ('pending', 'running', 'incomplete') AND created_at < now() - make_interval(secs => $1) ORDER BY id`,
    [ORPHAN_GRACE_SECONDS],
  )) as { id: string }[];
  for (const { id } of jobs) {
    counts.jobsChecked++;
    if (await running(deps.temporal, syncJobWorkflowId(id))) continue;
    const message = 'the job\'s workflow is no longer running (terminated or lost): failed by self-heal so the connection can sync again';
    const failure = { origin: 'platform' as const, type: 'system_error' as const, message, timestamp: Date.now() };
    await deps.dataSource.query(
      `UPDATE attempt SET status = 'failed', failure_reasons = $2::jsonb, ended_at = now(), updated_at = now() WHERE job_id = $1 AND status = 'running'`,
      [id, JSON.stringify([failure])],
    );
    await finishJob(deps.dataSource, id, { jobId: id, status: 'failed', attempts: [], failures: [failure] });
    counts.orphanJobsFailed++;
    logger.warn({ job: 'self-heal', jobId: id }, `failed job ${id}: ${message}`);
  }
  return counts;
}

/** pg_advisory_lock key of the self-heal job */
export const SELF_HEAL_LOCK_KEY = 7_301_402;

export function selfHealRun(deps: SelfHealDeps & { logger: Logger }): Promise<ScheduledRunResult<SelfHealCounts>> {
  return scheduledRun('self-heal', SELF_HEAL_LOCK_KEY, deps, () => runSelfHeal(deps, deps.logger));
}
