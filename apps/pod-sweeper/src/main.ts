/** `node apps/pod-sweeper/dist/main.js`: sweep finished job pods until SIGTERM. */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ConfigError, createLogger, loadConfig, podSweeperEnvSchema } from '@tributary/config';
import { createMetricsRegistry, startOpsServer } from '@tributary/metrics';
import { registerSweepMetrics } from './metrics.js';
import { PodSweeper } from './pod-sweeper.js';

const MINUTE_MS = 60_000;

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(podSweeperEnvSchema, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`pod-sweeper: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ name: 'pod-sweeper', level: config.LOG_LEVEL });
  const kubeConfig = new KubeConfig();
  // a kubeconfig file when given (outside a cluster), else the pod's own service account
  if (config.KUBECONFIG) kubeConfig.loadFromFile(config.KUBECONFIG);
  else kubeConfig.loadFromCluster();

  const sweeper = new PodSweeper({
    pods: kubeConfig.makeApiClient(CoreV1Api),
    logger,
    namespace: config.TRIBUTARY_KUBERNETES_NAMESPACE,
    intervalMs: config.TRIBUTARY_POD_SWEEPER_INTERVAL_MINUTES * MINUTE_MS,
    succeededTtlMs: config.TRIBUTARY_POD_SWEEPER_SUCCEEDED_TTL_MINUTES * MINUTE_MS,
    failedTtlMs: config.TRIBUTARY_POD_SWEEPER_FAILED_TTL_MINUTES * MINUTE_MS,
    pageSize: config.TRIBUTARY_POD_SWEEPER_PAGE_SIZE,
  });
  const registry = createMetricsRegistry('pod-sweeper');
  registerSweepMetrics(registry, () => sweeper.totals());
  // alive while cycles end (a cycle hung on the API server is not); ready once alive
  const health = await startOpsServer({
    host: config.TRIBUTARY_METRICS_HOST,
    port: config.TRIBUTARY_METRICS_PORT,
    registry,
    live: () => sweeper.isHealthy(),
    ready: async () => (sweeper.isHealthy() ? { ready: true } : { ready: false, reason: 'no sweep cycle ended for three intervals' }),
  });
  logger.info({ metricsPort: health.port }, `metrics and probes on http://${config.TRIBUTARY_METRICS_HOST}:${health.port} (/metrics, /livez, /readyz)`);
  sweeper.start();

  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await sweeper.stop();
  await health.close();
  logger.flush();
  return 0;
}

process.exitCode = await main();
