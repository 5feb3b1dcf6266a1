/** The sweeper's totals as Prometheus counters (text exposition format, no client library needed). */
import type { SweepTotals } from './pod-sweeper.js';

export function prometheusText(totals: SweepTotals): string {
  const counter = (name: string, help: string, samples: [labels: string, value: number][]) =>
    [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, ...samples.map(([labels, value]) => `${name}${labels} ${value}`)].join('\n');
  return (
    [
      counter('tributary_pod_sweeper_cycles_total', 'Sweep cycles completed.', [['', totals.cycles]]),
      counter('tributary_pod_sweeper_failed_cycles_total', 'Sweep cycles that failed (e.g. the API server unreachable).', [
        ['', totals.failedCycles],
      ]),
      counter('tributary_pod_sweeper_deleted_pods_total', 'Job pods deleted, by the phase they ended in.', [
        ['{phase="succeeded"}', totals.deletedSucceeded],
        ['{phase="failed"}', totals.deletedFailed],
      ]),
      counter('tributary_pod_sweeper_delete_errors_total', 'Deletions the API server refused.', [['', totals.deleteErrors]]),
    ].join('\n') + '\n'
  );
}
