export { createMetricsRegistry } from './registry.js';
export { startOpsServer, type OpsServer, type OpsServerOptions, type Readiness } from './ops-server.js';
export { SyncMetrics, type FinishedAttempt, type FinishedSync } from './sync-metrics.js';
export { HttpMetrics } from './http-metrics.js';
export type { Registry } from 'prom-client';
