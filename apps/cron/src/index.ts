export { runRetention, type RetentionCounts, type RetentionDeps, type RetentionSettings } from './retention.js';
export { retentionRun, RETENTION_LOCK_KEY, type RetentionRunResult } from './retention-job.js';
export { CronMetrics } from './cron-metrics.js';
export { runSelfHeal, selfHealRun, ORPHAN_GRACE_SECONDS, SELF_HEAL_LOCK_KEY, type SelfHealCounts } from './self-heal.js';
export { readRegistry, refreshDefinitions, definitionsRefreshRun, RegistryError, type RefreshCounts } from './definitions-refresh.js';
