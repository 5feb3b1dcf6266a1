/**
 * `node apps/cron/dist/main.js`: scheduled maintenance: retention (retention.ts) on
 * TRIBUTARY_RETENTION_SCHEDULE and self-heal (self-heal.ts) on TRIBUTARY_SELF_HEAL_SCHEDULE. Expects a database the bootloader has migrated and the
 * log storage the server and the workers use. Stops on SIGINT/SIGTERM after the run in progress.
 */
import {
  ConfigError,
  createLogger,
  cronEnvSchema,
  loadConfig,
  storageChoiceOf,
  type CronConfig,
  type StorageChoice,
} from '@tributary/config';
import { createDataSource, registeredStorage } from '@tributary/db';
import { createMetricsRegistry, startOpsServer } from '@tributary/metrics';
import { openStorage } from '@tributary/storage';
import { Client, Connection } from '@temporalio/client';
import cron from 'node-cron';
import { CronMetrics } from './cron-metrics.js';
import { definitionsRefreshRun } from './definitions-refresh.js';
import { retentionRun } from './retention-job.js';
import { selfHealRun } from './self-heal.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function parseEnv(env: NodeJS.ProcessEnv): { config: CronConfig; storage: StorageChoice } {
  const config = loadConfig(cronEnvSchema, env);
  const badSchedules = (['TRIBUTARY_RETENTION_SCHEDULE', 'TRIBUTARY_SELF_HEAL_SCHEDULE', 'TRIBUTARY_REGISTRY_SCHEDULE'] as const)
    .filter((variable) => !cron.validate(config[variable]))
    .map((variable) => ({ variable, message: 'must be a cron expression, e.g. "17 * * * *"' }));
  if (badSchedules.length > 0) throw new ConfigError(badSchedules);
  return { config, storage: storageChoiceOf(config) };
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`cron: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const logger = createLogger({ name: 'cron', level: config.LOG_LEVEL });
  // node-cron's own lines (a run skipped because the last one still runs, a missed tick) in our log, not as colored text beside it
  const nodeCronLog = logger.child({ component: 'node-cron' });
  cron.setLogger({
    info: (message) => nodeCronLog.info(message),
    warn: (message) => nodeCronLog.warn(message),
    error: (message, err) => nodeCronLog.error({ err: err ?? message }, String(message)),
    debug: (message, err) => nodeCronLog.debug({ err }, String(message)),
  });
  // a job's run holds its advisory lock on one connection and queries on another, and jobs due
  // in the same second (self-heal every minute, retention at :17) run side by side: two
  // connections per job, and one for /readyz. Fewer, and two runs can each hold one and wait
  // for a second forever.
  const jobs = config.TRIBUTARY_CONNECTOR_REGISTRY ? 3 : 2;
  const dataSource = await createDataSource({
    url: config.DATABASE_URL,
    poolSize: 2 * jobs + 1,
    applicationName: 'tributary-cron',
  }).initialize();
  try {
    if (await dataSource.showMigrations()) {
      logger.fatal('the database has pending migrations: run the bootloader first');
      process.exitCode = 1;
      return;
    }
    const storage = await openStorage(parsed.storage);
    const storageIdentity = { id: await storage.identify(), location: storage.location };
    const registered = await registeredStorage(dataSource, storageIdentity);
    if (registered.id !== storageIdentity.id) {
      logger.fatal(
        `cron's log storage (${storageIdentity.location}) is not the one the server reads (${registered.location}): retention would delete nothing there`,
      );
      process.exitCode = 2;
      return;
    }
    const settings = {
      logsMaxAgeMs: config.TRIBUTARY_RETENTION_LOGS_DAYS * DAY_MS,
      jobsMaxAgeMs: config.TRIBUTARY_RETENTION_JOBS_DAYS * DAY_MS,
      batchSize: config.TRIBUTARY_RETENTION_BATCH_SIZE,
      maxBatches: config.TRIBUTARY_RETENTION_MAX_BATCHES,
    };
    const registry = createMetricsRegistry('cron');
    const metrics = new CronMetrics(registry);
    // runs in progress, which shutdown waits for: node-cron's isBusy() turns false as soon as a task is stopped
    const inProgress = new Set<Promise<void>>();
    let stopping = false;
    const tracked = (run: () => Promise<void>) => (): Promise<void> => {
      const running = run().finally(() => inProgress.delete(running));
      inProgress.add(running);
      return running;
    };
    const retention = cron.schedule(
      config.TRIBUTARY_RETENTION_SCHEDULE,
      tracked(async () => metrics.retentionRan(await retentionRun({ dataSource, storage, storageIdentity, logger, stopping: () => stopping }, settings))),
      { name: 'retention', timezone: 'UTC', noOverlap: true },
    );
    // lazy: retention runs while Temporal is down; self-heal then fails its run and tries again next minute
    const temporalConnection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
    const temporal = new Client({ connection: temporalConnection, namespace: config.TEMPORAL_NAMESPACE });
    const selfHeal = cron.schedule(
      config.TRIBUTARY_SELF_HEAL_SCHEDULE,
      tracked(async () => metrics.selfHealRan(await selfHealRun({ dataSource, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, logger }))),
      { name: 'self-heal', timezone: 'UTC', noOverlap: true },
    );
    const connectorRegistry = config.TRIBUTARY_CONNECTOR_REGISTRY;
    const refresh = connectorRegistry
      ? cron.schedule(
          config.TRIBUTARY_REGISTRY_SCHEDULE,
          tracked(async () => metrics.ran('definitions-refresh', await definitionsRefreshRun({ dataSource, logger }, connectorRegistry))),
          { name: 'definitions-refresh', timezone: 'UTC', noOverlap: true },
        )
      : undefined;
    const ops = await startOpsServer({
      host: config.TRIBUTARY_METRICS_HOST,
      port: config.TRIBUTARY_METRICS_PORT,
      registry,
      ready: async () => {
        await dataSource.query('SELECT 1');
        return { ready: true };
      },
    });
    logger.info(
      {
        retention: config.TRIBUTARY_RETENTION_SCHEDULE,
        selfHeal: config.TRIBUTARY_SELF_HEAL_SCHEDULE,
        registry: connectorRegistry ?? 'none',
        logStorage: storage.location,
        metrics: `http://${config.TRIBUTARY_METRICS_HOST}:${ops.port}/metrics`,
      },
      'cron started',
    );
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    stopping = true;
    const tasks = [retention, selfHeal, ...(refresh ? [refresh] : [])];
    for (const task of tasks) await task.stop();
    // a run in progress ends (retention after its batch, self-heal's calls by their deadline) before the database and the Temporal connection close
    await Promise.allSettled(inProgress);
    for (const task of tasks) await task.destroy();
    await temporalConnection.close();
    await ops.close();
    logger.info('cron stopped');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: err instanceof Error ? (err.stack ?? err.message) : String(err) })}\n`);
  process.exit(1);
});
