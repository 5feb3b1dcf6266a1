/** The sweeper's running totals as Prometheus counters, read from the sweeper at each scrape. */
import { Counter, type Registry } from 'prom-client';
import type { SweepTotals } from './pod-sweeper.js';

export function registerSweepMetrics(registry: Registry, totals: () => SweepTotals): void {
  // each counter mirrors a total the sweeper keeps: set it at collect time
  const mirror = (name: string, help: string, value: (t: SweepTotals) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(value(totals()));
      },
    });
  mirror('tributary_pod_sweeper_cycles_total', 'Sweep cycles completed.', (t) => t.cycles);
  mirror('tributary_pod_sweeper_failed_cycles_total', 'Sweep cycles that failed (e.g. the API server unreachable).', (t) => t.failedCycles);
  mirror('tributary_pod_sweeper_delete_errors_total', 'Deletions the API server refused.', (t) => t.deleteErrors);
  new Counter({
    name: 'tributary_pod_sweeper_deleted_pods_total',
    help: 'Job pods deleted, by the phase they ended in.',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      const t = totals();
      this.reset();
      this.inc({ phase: 'succeeded' }, t.deletedSucceeded);
      this.inc({ phase: 'failed' }, t.deletedFailed);
    },
  });
}
