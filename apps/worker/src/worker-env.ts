/**
 * The worker's environment: libs/config's workerEnvSchema (database, secret key, Temporal,
 * data dir, log level) plus the optional prebuilt workflow bundle. Fails with libs/config's
 * ConfigError, which names every bad variable.
 */
import { join, resolve } from 'node:path';
import {
  ConfigError,
  kubernetesJobSettingsOf,
  kubernetesLauncherEnvSchema,
  loadConfig,
  storageChoiceOf,
  workerEnvSchema,
  type StorageChoice,
  type WorkerConfig,
} from '@tributary/config';
import type { JobOptions } from '@tributary/workflows';

export interface WorkerEnv {
  databaseUrl: string;
  databasePoolSize: number;
  /** TRIBUTARY_SECRET_KEY: decrypts connector configs */
  secretKey: Buffer;
  temporalAddress: string;
  temporalNamespace: string;
  temporalTaskQueue: string;
  /** connector virtualenvs, temp dirs */
  dataDir: string;
  /** installed PyPI/npm connectors */
  connectorsDir: string;
  /** where attempt logs go: a local directory shared with the server, or an S3 bucket */
  storage: StorageChoice;
  /** retry policy and heartbeat timeout for every job; undefined keeps the workflow defaults */
  jobOptions?: JobOptions;
  /** TRIBUTARY_ALLOW_COMMAND_CONNECTORS: run connector definitions with a `command` runtime */
  allowCommandConnectors: boolean;
  logLevel: WorkerConfig['LOG_LEVEL'];
  /** the ops server: GET /metrics, /livez, /readyz */
  metricsHost: string;
  metricsPort: number;
  /** TRIBUTARY_FORK_SERVER_IDLE_MS: how long a PyPI connector's fork server stays after its last command; 0: none */
  forkServerIdleMs: number;
  /** TRIBUTARY_DESTINATION_NICE: the lower CPU priority of a destination's write (process connectors); 0: none */
  destinationNice: number;
  /** TRIBUTARY_SPILL_MAX_MIB, in bytes: the most a sync's spill file holds; 0: none (the source waits for the destination) */
  spillMaxBytes: number;
  /** TRIBUTARY_CONNECTOR_USER as set (resolved by connector-user.ts) */
  connectorUser?: string;
  /** a prebuilt workflow bundle; default dist/workflow-bundle.js beside main.js */
  workflowBundlePath?: string;
  /** TRIBUTARY_LAUNCHER: where connectors run, with the job pod settings in Kubernetes */
  launcher: LauncherChoice;
  /** TRIBUTARY_TRACING=otlp: where spans go (OTEL_EXPORTER_OTLP_ENDPOINT); unset: tracing off */
  tracingEndpoint?: string;
}

export type LauncherChoice =
  | { kind: 'process' }
  | {
      kind: 'kubernetes';
      /** KUBECONFIG; unset in a cluster (the worker's service account) */
      kubeconfig?: string;
      settings: ReturnType<typeof kubernetesJobSettingsOf>;
      /** TRIBUTARY_ORCHESTRATOR_IMAGE: the replication pods' orchestrator */
      orchestratorImage: string;
      /** TRIBUTARY_KUBERNETES_API_URL: the Config API as job pods reach it */
      apiUrl: string;
    };

/** A bad worker environment: libs/config's error, which names every bad variable. */
export { ConfigError as WorkerEnvError };

export function parseWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = loadConfig(workerEnvSchema, env);
  const bundle = env.TRIBUTARY_WORKFLOW_BUNDLE?.trim();
  return {
    databaseUrl: parsed.DATABASE_URL,
    databasePoolSize: parsed.DATABASE_POOL_SIZE,
    secretKey: parsed.TRIBUTARY_SECRET_KEY,
    temporalAddress: parsed.TEMPORAL_ADDRESS,
    temporalNamespace: parsed.TEMPORAL_NAMESPACE,
    temporalTaskQueue: parsed.TEMPORAL_TASK_QUEUE,
    dataDir: resolve(parsed.TRIBUTARY_DATA_DIR),
    connectorsDir: resolve(parsed.TRIBUTARY_CONNECTORS_DIR ?? join(parsed.TRIBUTARY_DATA_DIR, 'connectors')),
    storage: storageOf(parsed),
    jobOptions: jobOptionsOf(parsed),
    allowCommandConnectors: parsed.TRIBUTARY_ALLOW_COMMAND_CONNECTORS,
    logLevel: parsed.LOG_LEVEL,
    metricsHost: parsed.TRIBUTARY_METRICS_HOST,
    metricsPort: parsed.TRIBUTARY_METRICS_PORT,
    forkServerIdleMs: parsed.TRIBUTARY_FORK_SERVER_IDLE_MS,
    destinationNice: parsed.TRIBUTARY_DESTINATION_NICE,
    spillMaxBytes: parsed.TRIBUTARY_SPILL_MAX_MIB * 1024 * 1024,
    connectorUser: parsed.TRIBUTARY_CONNECTOR_USER,
    workflowBundlePath: bundle ? resolve(bundle) : undefined,
    ...(parsed.TRIBUTARY_TRACING === 'otlp' ? { tracingEndpoint: parsed.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    launcher: launcherOf(parsed, env),
  };
}

/** The Kubernetes settings are read (and a bad one refused) only when the worker uses them. */
function launcherOf(config: WorkerConfig, env: NodeJS.ProcessEnv): LauncherChoice {
  if (config.TRIBUTARY_LAUNCHER === 'process') return { kind: 'process' };
  const kubernetes = loadConfig(kubernetesLauncherEnvSchema, env);
  // a sync's replication pod cannot do without them
  const missing = (['TRIBUTARY_ORCHESTRATOR_IMAGE', 'TRIBUTARY_KUBERNETES_API_URL'] as const)
    .filter((variable) => !kubernetes[variable])
    .map((variable) => ({ variable, message: 'is required with TRIBUTARY_LAUNCHER=kubernetes' }));
  if (missing.length > 0) throw new ConfigError(missing);
  return {
    kind: 'kubernetes',
    ...(kubernetes.KUBECONFIG ? { kubeconfig: kubernetes.KUBECONFIG } : {}),
    settings: kubernetesJobSettingsOf(kubernetes),
    orchestratorImage: kubernetes.TRIBUTARY_ORCHESTRATOR_IMAGE!,
    apiUrl: kubernetes.TRIBUTARY_KUBERNETES_API_URL!,
  };
}

function storageOf(config: WorkerConfig): StorageChoice {
  const choice = storageChoiceOf(config);
  return choice.kind === 'local' ? { kind: 'local', dir: resolve(choice.dir) } : choice;
}

function jobOptionsOf(config: WorkerConfig): JobOptions | undefined {
  const retryPolicy = Object.fromEntries(
    Object.entries({
      maxSuccessiveCompleteFailures: config.TRIBUTARY_JOB_MAX_SUCCESSIVE_COMPLETE_FAILURES,
      maxTotalCompleteFailures: config.TRIBUTARY_JOB_MAX_TOTAL_COMPLETE_FAILURES,
      backoffInitialMs: config.TRIBUTARY_JOB_BACKOFF_INITIAL_MS,
      backoffMaxMs: config.TRIBUTARY_JOB_BACKOFF_MAX_MS,
    }).filter(([, value]) => value !== undefined),
  );
  const heartbeatTimeoutMs = config.TRIBUTARY_JOB_HEARTBEAT_TIMEOUT_MS;
  if (Object.keys(retryPolicy).length === 0 && heartbeatTimeoutMs === undefined) return undefined;
  return { ...(Object.keys(retryPolicy).length > 0 ? { retryPolicy } : {}), ...(heartbeatTimeoutMs ? { heartbeatTimeoutMs } : {}) };
}
