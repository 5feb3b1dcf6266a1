// The sample Grafana dashboard (docs/grafana/tributary.json) charts only series the services export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, HttpMetrics, SyncMetrics } from '@tributary/metrics';
import { registerSweepMetrics } from '@tributary/pod-sweeper';
import { CronMetrics } from '@tributary/cron';
import { repoRoot } from '@tributary/testing';

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

describe('the sample Grafana dashboard', () => {
  it('queries only metrics that the server, the worker, cron or the pod-sweeper register', async () => {
    const registry = createMetricsRegistry('any');
    new SyncMetrics(registry);
    new HttpMetrics(registry);
    new CronMetrics(registry);
    registerSweepMetrics(registry, () => ({ cycles: 0, failedCycles: 0, deletedSucceeded: 0, deletedFailed: 0, deleteErrors: 0 }));
    const registered = new Set((await registry.getMetricsAsJSON()).map((metric) => metric.name));

    const dashboard = JSON.parse(readFileSync(join(repoRoot, 'docs/grafana/tributary.json'), 'utf8')) as Dashboard;
    const queried = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => [...target.expr.matchAll(/\b(?:tributary|process)_[a-z_]+/g)].map((m) => m[0])));
    expect(queried.length).toBeGreaterThan(10);
    const unknown = queried.map((name) => name.replace(/_(bucket|count|sum)$/, '')).filter((name) => !registered.has(name));
    expect(unknown).toEqual([]);
  });
});
