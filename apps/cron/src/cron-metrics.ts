/** What cron's jobs did, for /metrics: runs by job and outcome, and what retention deleted. */
import { Counter, type Registry } from 'prom-client';
import type { RetentionRunResult } from './retention-job.js';

export class CronMetrics {
  private readonly runs: Counter<'job' | 'outcome'>;
  private readonly deleted: Counter<'kind'>;

  constructor(registry: Registry) {
    this.runs = new Counter({ name: 'tributary_cron_runs_total', help: 'Scheduled job runs, by job and outcome (done, locked: another replica ran it, failed).', labelNames: ['job', 'outcome'], registers: [registry] });
    this.deleted = new Counter({ name: 'tributary_retention_deleted_total', help: 'What retention deleted, by kind (jobs, logs, catalogs).', labelNames: ['kind'], registers: [registry] });
  }

  retentionRan(result: RetentionRunResult): void {
    this.runs.inc({ job: 'retention', outcome: result.ran ? 'done' : result.reason });
    if (!result.ran) return;
    this.deleted.inc({ kind: 'jobs' }, result.counts.jobsDeleted);
    this.deleted.inc({ kind: 'logs' }, result.counts.logsDeleted);
    this.deleted.inc({ kind: 'catalogs' }, result.counts.catalogsDeleted);
  }
}
