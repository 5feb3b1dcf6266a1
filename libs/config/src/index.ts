export { loadConfig, ConfigError } from './load-config.js';
export {
  serverEnvSchema,
  workerEnvSchema,
  bootloaderEnvSchema,
  webappEnvSchema,
  type WebappConfig,
  type ServerConfig,
  type WorkerConfig,
  type BootloaderConfig,
} from './schemas.js';
export { databaseEnv, temporalEnv, dataDirEnv, connectorsDirEnv, commandConnectorsEnv, storageEnv, STORAGE_KINDS, jobRetryEnv, storageDirOf, storageChoiceOf, type StorageChoice, secretKeyEnv, connectorUserEnv, WORKER_SECRET_VARIABLES, logEnv, tracingEnv, httpEnv, opsEnv, LOG_LEVELS } from './env-parts.js';
export { kubernetesEnv, podSweeperEnvSchema, type PodSweeperConfig } from './pod-sweeper-env.js';
export {
  LAUNCHERS,
  JOB_SETTING_KEYS,
  launcherEnv,
  kubernetesLauncherEnvSchema,
  kubernetesJobSettingsOf,
  type KubernetesLauncherConfig,
} from './kubernetes-env.js';
export { parseSecretKey } from './secret-key.js';
export { createLogger, REDACTED_KEYS, type Logger, type LoggerOptions } from './logger.js';
export { TRIBUTARY_VERSION } from './version.js';
export { cronEnvSchema, type CronConfig } from './cron-env.js';
