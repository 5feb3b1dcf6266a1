/** `node apps/server/dist/main.js`: the Config API. Expects a database the bootloader has migrated. */
import { ConfigError, createLogger, loadConfig, serverEnvSchema, storageChoiceOf, type StorageChoice } from '@tributary/config';
import { closeWhenIdle, createDataSource, registerReadStorage } from '@tributary/db';
import { openStorage } from '@tributary/storage';
import { createMetricsRegistry, HttpMetrics, startOpsServer } from '@tributary/metrics';
import type { Server } from 'node:http';
import { createServerApp } from './app.js';
import { lazyTemporalConnection } from './temporal/temporal-connection.js';
import { temporalDependenciesFrom } from './temporal/temporal-settings.js';
import { startServerTracing } from './tracing/server-tracing.js';

/** how long a stop waits for requests in flight and their queries */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  let storageChoice: StorageChoice;
  try {
    config = loadConfig(serverEnvSchema, process.env);
    storageChoice = storageChoiceOf(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`server: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ name: 'server', level: config.LOG_LEVEL });
  const dataSource = await createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: 'tributary-server',
  }).initialize();
  if (await dataSource.showMigrations()) {
    logger.fatal('the database has pending migrations: run the bootloader first');
    await dataSource.destroy();
    process.exitCode = 1;
    return;
  }
  // lazy: the API starts and serves configuration while Temporal is down; calls that need it answer 503 until it is back
  const temporalConnection = lazyTemporalConnection(config.TEMPORAL_ADDRESS);
  // off by default; on, a span per request reaches the workflows and activities it starts
  const tracing = await startServerTracing(config);
  const temporal = temporalDependenciesFrom(config, temporalConnection.connection, tracing?.workflowClientInterceptors);
  // the storage logs are read from; workers compare theirs with it before they take work
  const storage = await openStorage(storageChoice);
  await registerReadStorage(dataSource, { id: await storage.identify(), location: storage.location });
  const registry = createMetricsRegistry('server');
  const app = await createServerApp({
    httpMetrics: new HttpMetrics(registry),
    dataSource,
    secretKey: config.TRIBUTARY_SECRET_KEY,
    logger,
    temporal,
    storage,
    sessionTtlMs: config.TRIBUTARY_SESSION_TTL_MS,
    allowCommandConnectors: config.TRIBUTARY_ALLOW_COMMAND_CONNECTORS,
    pendingInstallsIntervalMs: config.TRIBUTARY_PENDING_INSTALLS_INTERVAL_MS,
    notifications: { intervalMs: config.TRIBUTARY_NOTIFICATIONS_INTERVAL_MS, retryBaseMs: config.TRIBUTARY_NOTIFICATION_RETRY_BASE_MS },
    ...(tracing ? { tracing } : {}),
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  // ready while the database answers; Temporal being down only makes some calls answer 503
  const ops = await startOpsServer({
    host: config.TRIBUTARY_METRICS_HOST,
    port: config.TRIBUTARY_METRICS_PORT,
    registry,
    ready: async () => {
      await dataSource.query('SELECT 1');
      return { ready: true };
    },
  });
  const url = config.TRIBUTARY_PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  logger.info(
    {
      url: `${url}/api/v1`,
      docs: `${url}/api/docs`,
      temporal: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      metrics: `http://${config.TRIBUTARY_METRICS_HOST}:${ops.port}/metrics`,
    },
    'Config API listening',
  );
  const stop = async () => {
    // stops accepting requests; handlers already running go on (their clients may have left).
    // A client that keeps its connection open without a word must not hold the exit forever.
    const forceClose = setTimeout(() => (app.getHttpServer() as Server).closeAllConnections(), SHUTDOWN_GRACE_MS);
    await app.close();
    clearTimeout(forceClose);
    await ops.close();
    await temporalConnection.close();
    await tracing?.shutdown();
    await closeWhenIdle(dataSource, SHUTDOWN_GRACE_MS);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

await main();
