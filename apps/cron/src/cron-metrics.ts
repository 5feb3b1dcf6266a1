/** What cron's jobs did, for /metrics: runs by job and outcome, and what retention deleted. */
import { Counter, type Registry } from 'prom-client';
import type { RetentionRunResult } from './retention-job.js';
import type { ScheduledRunResult } from './scheduled-run.js';
import type { SelfHealCounts } from './self-heal.js';

export class CronMetrics {
  private readonly runs: Counter<'job' | 'outcome'>;
  private readonly deleted: Counter<'kind'>;
  private readonly healed: Counter<'kind'>;

  constructor(registry: Registry) {
    this.runs = new Counter({ name: 'tributary_cron_runs_total', help: 'Scheduled job runs, by job and outcome (done, locked: another replica ran it, failed).', labelNames: ['job', 'outcome'], registers: [registry] });
    this.deleted = new Counter({ name: 'tributary_retention_deleted_total', help: 'What retention deleted, by kind (jobs, logs, catalogs).', labelNames: ['kind'], registers: [registry] });
    this.healed = new Counter({ name: 'tributary_self_heal_repairs_total', help: 'What self-heal repaired: connection workflows started, orphan jobs failed.', labelNames: ['kind'], registers: [registry] });
  }

  ran(job: string, result: ScheduledRunResult<object>): void {
    this.runs.inc({ job, outcome: result.ran ? 'done' : result.reason });
  }

  retentionRan(result: RetentionRunResult): void {
    this.ran('retention', result);
    if (!result.ran) return;
    this.deleted.inc({ kind: 'jobs' }, result.counts.jobsDeleted);
    this.deleted.inc({ kind: 'logs' }, result.counts.logsDeleted);
    this.deleted.inc({ kind: 'catalogs' }, result.counts.catalogsDeleted);
  }

  selfHealRan(result: ScheduledRunResult<SelfHealCounts>): void {
    this.ran('self-heal', result);
    if (!result.ran) return;
    this.healed.inc({ kind: 'workflows_started' }, result.counts.workflowsStarted);
    this.healed.inc({ kind: 'orphan_jobs_failed' }, result.counts.orphanJobsFailed);
  }
}
