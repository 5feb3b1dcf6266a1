/**
 * Worker entry point: `node apps/worker/dist/main.js`. Reads libs/config's worker
 * environment (DATABASE_URL, TRIBUTARY_SECRET_KEY, TEMPORAL_*, TRIBUTARY_DATA_DIR, LOG_LEVEL;
 * the secret ones from stdin with TRIBUTARY_ENV_STDIN=1, see startup-env.ts),
 * records jobs in Postgres (migrated beforehand by the bootloader) and polls the task queue
 * until SIGINT/SIGTERM.
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { createLogger, type Logger } from '@tributary/config';
import { resolveBuiltinConnector } from '@tributary/connectors';
import { createDataSource, PostgresJobPersistence, recordAttemptLogLocation, registeredStorage, type StorageIdentity } from '@tributary/db';
import { createMetricsRegistry, startOpsServer, SyncMetrics } from '@tributary/metrics';
import { ProcessLauncher, sweepStaleRunDirs, type ConnectorUser } from '@tributary/launcher';
import { openStorage, type Storage } from '@tributary/storage';
import { createActivities } from './activities/index.js';
import { storageAttemptLogs } from './attempt-logs.js';
import { ConnectorUserError, letConnectorsReach, resolveConnectorUser } from './connector-user.js';
import { connectorCommandLauncher } from './connector-launcher.js';
import { createTributaryWorker } from './create-worker.js';
import { kubernetesPodAttempts } from './kubernetes-runtime.js';
import { ENV_FROM_STDIN, startupEnv } from './startup-env.js';
import { resolveWorkflowCode } from './workflow-code.js';
import { parseWorkerEnv, WorkerEnvError, type WorkerEnv } from './worker-env.js';

async function main(): Promise<void> {
  const startup = await startupEnv();
  let env: WorkerEnv;
  let connectorUser: ConnectorUser | undefined;
  try {
    env = parseWorkerEnv(startup.env);
    connectorUser = resolveConnectorUser(env.connectorUser);
  } catch (error) {
    if (!(error instanceof WorkerEnvError) && !(error instanceof ConnectorUserError)) throw error;
    process.stderr.write(`worker: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ name: 'worker', level: env.logLevel });
  if (!connectorUser && startup.secretsInEnvironment.length > 0) {
    logger.warn(
      `${startup.secretsInEnvironment.join(', ')} in the worker's environment: connectors run as the same user and could read them from /proc/${process.pid}/environ; pass them on stdin (${ENV_FROM_STDIN}=1) or run the worker as root (connectors then run as TRIBUTARY_CONNECTOR_USER)`,
    );
  }
  const dataSource = await createDataSource({
    url: env.databaseUrl,
    poolSize: env.databasePoolSize,
    applicationName: 'tributary-worker',
  }).initialize();
  try {
    if (await dataSource.showMigrations()) {
      logger.fatal('the database has pending migrations: run the bootloader first');
      process.exitCode = 1;
      return;
    }
    const storage = await openStorage(env.storage);
    const identity: StorageIdentity = { id: await storage.identify(), location: storage.location };
    const registered = await registeredStorage(dataSource, identity);
    if (registered.id !== identity.id) {
      // logs written here could never be read: refuse before taking any work
      logger.fatal(
        `this worker's log storage (${identity.location}) is not the one the server reads (${registered.location}): the server could never show the logs of syncs run here. Give the server and every worker one storage: the same directory as TRIBUTARY_STORAGE_DIR (a shared volume), or TRIBUTARY_STORAGE=s3 with the same bucket`,
      );
      process.exitCode = 2;
      return;
    }
    await runWorker(env, connectorUser, new PostgresJobPersistence(dataSource, env.secretKey), { storage, identity, dataSource }, logger);
  } finally {
    await dataSource.destroy();
  }
}

interface LogStorageDeps {
  storage: Storage;
  identity: StorageIdentity;
  dataSource: Parameters<typeof recordAttemptLogLocation>[0];
}

async function runWorker(
  env: WorkerEnv,
  connectorUser: ConnectorUser | undefined,
  persistence: PostgresJobPersistence,
  logs: LogStorageDeps,
  logger: Logger,
): Promise<void> {
  const registry = createMetricsRegistry('worker');
  const metrics = new SyncMetrics(registry);
  // the launcher makes per-run temp dirs inside this one; a worker that died left its own there (decrypted configs)
  const tmpDir = join(env.dataDir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  if (connectorUser) await letConnectorsReach([env.dataDir, tmpDir]);
  const swept = await sweepStaleRunDirs(tmpDir);
  if (swept.length > 0) logger.warn({ removed: swept.length }, 'removed connector run dirs left behind by a worker that stopped');
  const launcher = new ProcessLauncher({
    installDir: env.connectorsDir,
    tmpDir,
    resolveBuiltin: resolveBuiltinConnector,
    allowCommands: env.allowCommandConnectors,
    forkServerIdleMs: env.forkServerIdleMs,
    destinationNice: env.destinationNice,
    ...(connectorUser ? { connectorUser } : {}),
  });
  const activities = createActivities({
    // in Kubernetes: spec/check/discover (also the checks before a sync) as one-connector pods, syncs as replication pods
    launcher: await connectorCommandLauncher(env.launcher, launcher),
    ...(env.launcher.kind === 'kubernetes'
      ? { podAttempts: { ...(await kubernetesPodAttempts(env.launcher)), spillMaxBytes: env.spillMaxBytes } }
      : {}),
    secretKey: env.secretKey,
    persistence,
    // each attempt records where its log goes: the server tells a log it cannot see from one never written
    attemptLogs: storageAttemptLogs(logs.storage, (ref, key) =>
      recordAttemptLogLocation(logs.dataSource, ref, { storage: logs.identity, key }),
    ),
    jobOptions: env.jobOptions,
    metrics,
    // a sync's spill file goes beside the run dirs (it has no name once open: nothing to sweep)
    ...(env.spillMaxBytes > 0 ? { replicationOptions: { spillDir: tmpDir, spillMaxBytes: env.spillMaxBytes } } : {}),
  });
  // off by default: then nothing of OpenTelemetry is loaded
  const tracing = env.tracingEndpoint
    ? await (await import('./tracing/worker-tracing.js')).startWorkerTracing(env.tracingEndpoint)
    : undefined;
  const connection = await NativeConnection.connect({ address: env.temporalAddress });
  try {
    const workflowCode = resolveWorkflowCode(env.workflowBundlePath);
    const worker = await createTributaryWorker({
      connection,
      namespace: env.temporalNamespace,
      taskQueue: env.temporalTaskQueue,
      activities,
      workflowCode,
      identity: `tributary-worker@${hostname()}:${process.pid}`,
      metrics,
      ...(tracing ? { tracing } : {}),
    });
    const ops = await startOpsServer({
      host: env.metricsHost,
      port: env.metricsPort,
      registry,
      live: () => worker.getState() !== 'FAILED',
      ready: async () => {
        if (worker.getState() !== 'RUNNING') return { ready: false, reason: `the Temporal worker is ${worker.getState().toLowerCase()}` };
        await logs.dataSource.query('SELECT 1');
        return { ready: true };
      },
    });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => worker.shutdown());
    logger.info(
      {
        pid: process.pid,
        temporal: env.temporalAddress,
        namespace: env.temporalNamespace,
        taskQueue: env.temporalTaskQueue,
        workflows: 'bundlePath' in workflowCode && !tracing ? 'prebuilt bundle' : 'bundled at start-up',
        tracing: env.tracingEndpoint ?? 'off',
        connectorUser: connectorUser ? `${connectorUser.uid}:${connectorUser.gid}` : "the worker's own",
        connectors: env.launcher.kind === 'kubernetes' ? `pods in namespace ${env.launcher.settings.namespace}` : 'processes',
        logStorage: logs.identity.location,
        metrics: `http://${env.metricsHost}:${ops.port}/metrics`,
      },
      'worker started',
    );
    try {
      await worker.run();
    } finally {
      await ops.close();
    }
  } finally {
    await connection.close();
    await tracing?.shutdown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: err instanceof Error ? (err.stack ?? err.message) : String(err) })}\n`);
  process.exit(1);
});
