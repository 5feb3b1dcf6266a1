import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseWorkerEnv } from './worker-env.js';

const KEY_HEX = 'ab'.repeat(32);
const required = { DATABASE_URL: 'postgres://tributary@db:5432/tributary', TRIBUTARY_SECRET_KEY: KEY_HEX };

describe('worker environment', () => {
  it('needs the database and the secret key, and has defaults for the rest', () => {
    expect(parseWorkerEnv(required)).toEqual({
      databaseUrl: 'postgres://tributary@db:5432/tributary',
      databasePoolSize: 10,
      secretKey: Buffer.from(KEY_HEX, 'hex'),
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      temporalTaskQueue: 'tributary',
      dataDir: resolve('.tributary/data'),
      connectorsDir: resolve('.tributary/data/connectors'),
      storage: { kind: 'local', dir: resolve('.tributary/data/storage') },
      jobOptions: undefined,
      allowCommandConnectors: false,
      forkServerIdleMs: 60_000,
      destinationNice: 10,
      spillMaxBytes: 128 * 1024 * 1024,
      logLevel: 'info',
      metricsHost: '127.0.0.1',
      metricsPort: 9465,
      workflowBundlePath: undefined,
      launcher: { kind: 'process' },
    });
  });

  it('runs connectors as processes unless TRIBUTARY_LAUNCHER=kubernetes, and reads the Kubernetes settings only then', () => {
    // a bad Kubernetes setting is not read in process mode
    expect(parseWorkerEnv({ ...required, TRIBUTARY_KUBERNETES_RESOURCES: '{' }).launcher).toEqual({ kind: 'process' });
    const kubernetes = {
      ...required,
      TRIBUTARY_LAUNCHER: 'kubernetes',
      KUBECONFIG: '/etc/kube/config',
      TRIBUTARY_KUBERNETES_NAMESPACE: 'tributary-jobs',
      TRIBUTARY_KUBERNETES_RESOURCES: '{"sync":{"memoryLimit":"4Gi"}}',
      TRIBUTARY_ORCHESTRATOR_IMAGE: 'tributary/tributary-orchestrator:0.1.0',
      TRIBUTARY_KUBERNETES_API_URL: 'http://tributary-server.tributary.svc:8000',
    };
    expect(parseWorkerEnv(kubernetes).launcher).toEqual({
      kind: 'kubernetes',
      kubeconfig: '/etc/kube/config',
      settings: {
        namespace: 'tributary-jobs',
        imagePullSecrets: [],
        resources: { sync: { memoryLimit: '4Gi' } },
        nodeSelectors: {},
        tolerations: {},
        pendingTimeoutMs: 300_000,
      },
      orchestratorImage: 'tributary/tributary-orchestrator:0.1.0',
      apiUrl: 'http://tributary-server.tributary.svc:8000',
    });
    expect(() => parseWorkerEnv({ ...kubernetes, TRIBUTARY_KUBERNETES_RESOURCES: '{"sync":{"memoryLimit":"lots"}}' })).toThrow(
      /TRIBUTARY_KUBERNETES_RESOURCES\.sync\.memoryLimit: must be a Kubernetes quantity/,
    );
    expect(() => parseWorkerEnv({ ...required, TRIBUTARY_LAUNCHER: 'docker' })).toThrow(/TRIBUTARY_LAUNCHER/);
    // a replication pod needs its orchestrator's image and the way back to the API
    const { TRIBUTARY_ORCHESTRATOR_IMAGE: _image, TRIBUTARY_KUBERNETES_API_URL: _url, ...withoutBoth } = kubernetes;
    expect(() => parseWorkerEnv(withoutBoth)).toThrow(
      /TRIBUTARY_ORCHESTRATOR_IMAGE: is required with TRIBUTARY_LAUNCHER=kubernetes\n\s+TRIBUTARY_KUBERNETES_API_URL: is required/,
    );
  });

  it('keeps a fork server TRIBUTARY_FORK_SERVER_IDLE_MS after its last command (0: none), and names a bad value', () => {
    expect(parseWorkerEnv({ ...required, TRIBUTARY_FORK_SERVER_IDLE_MS: '0' }).forkServerIdleMs).toBe(0);
    expect(parseWorkerEnv({ ...required, TRIBUTARY_FORK_SERVER_IDLE_MS: '300000' }).forkServerIdleMs).toBe(300_000);
    expect(() => parseWorkerEnv({ ...required, TRIBUTARY_FORK_SERVER_IDLE_MS: '-1' })).toThrow(/TRIBUTARY_FORK_SERVER_IDLE_MS/);
  });

  it("runs destinations at TRIBUTARY_DESTINATION_NICE (0: the worker's own priority), and names a bad value", () => {
    expect(parseWorkerEnv({ ...required, TRIBUTARY_DESTINATION_NICE: '0' }).destinationNice).toBe(0);
    expect(parseWorkerEnv({ ...required, TRIBUTARY_DESTINATION_NICE: '19' }).destinationNice).toBe(19);
    for (const bad of ['20', '-1', 'low'])
      expect(() => parseWorkerEnv({ ...required, TRIBUTARY_DESTINATION_NICE: bad })).toThrow(/TRIBUTARY_DESTINATION_NICE/);
  });

  it('gives a sync a spill file of TRIBUTARY_SPILL_MAX_MIB at most (0: none), and names a bad value', () => {
    expect(parseWorkerEnv({ ...required, TRIBUTARY_SPILL_MAX_MIB: '0' }).spillMaxBytes).toBe(0);
    expect(parseWorkerEnv({ ...required, TRIBUTARY_SPILL_MAX_MIB: '64' }).spillMaxBytes).toBe(64 * 1024 * 1024);
    expect(() => parseWorkerEnv({ ...required, TRIBUTARY_SPILL_MAX_MIB: 'lots' })).toThrow(/TRIBUTARY_SPILL_MAX_MIB/);
    expect(() => parseWorkerEnv({ ...required, TRIBUTARY_SPILL_MAX_MIB: '-1' })).toThrow(/TRIBUTARY_SPILL_MAX_MIB/);
  });

  it('runs command connectors only when TRIBUTARY_ALLOW_COMMAND_CONNECTORS is true, and names a bad value', () => {
    expect(parseWorkerEnv({ ...required, TRIBUTARY_ALLOW_COMMAND_CONNECTORS: 'true' }).allowCommandConnectors).toBe(true);
    expect(parseWorkerEnv({ ...required, TRIBUTARY_ALLOW_COMMAND_CONNECTORS: 'false' }).allowCommandConnectors).toBe(false);
    expect(() => parseWorkerEnv({ ...required, TRIBUTARY_ALLOW_COMMAND_CONNECTORS: 'yes' })).toThrow(/TRIBUTARY_ALLOW_COMMAND_CONNECTORS/);
  });

  it('turns the TRIBUTARY_JOB_* variables into job options, and names a bad one', () => {
    const env = parseWorkerEnv({
      ...required,
      TRIBUTARY_JOB_BACKOFF_INITIAL_MS: '500',
      TRIBUTARY_JOB_HEARTBEAT_TIMEOUT_MS: '5000',
      TRIBUTARY_STORAGE_DIR: '/srv/blobs',
    });
    expect(env.jobOptions).toEqual({ retryPolicy: { backoffInitialMs: 500 }, heartbeatTimeoutMs: 5000 });
    expect(env.storage).toEqual({ kind: 'local', dir: '/srv/blobs' });
    expect(() => parseWorkerEnv({ ...required, TRIBUTARY_JOB_MAX_SUCCESSIVE_COMPLETE_FAILURES: 'zero' })).toThrow(
      /TRIBUTARY_JOB_MAX_SUCCESSIVE_COMPLETE_FAILURES/,
    );
  });

  it('writes logs to the S3 bucket TRIBUTARY_STORAGE=s3 names, and names a missing S3 setting', () => {
    const s3 = {
      TRIBUTARY_STORAGE: 's3',
      TRIBUTARY_S3_BUCKET: 'logs',
      TRIBUTARY_S3_ACCESS_KEY_ID: 'id',
      TRIBUTARY_S3_SECRET_ACCESS_KEY: 'secret',
    };
    expect(parseWorkerEnv({ ...required, ...s3 }).storage).toEqual({
      kind: 's3',
      bucket: 'logs',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      pathStyle: true,
    });
    expect(() => parseWorkerEnv({ ...required, ...s3, TRIBUTARY_S3_BUCKET: undefined })).toThrow(
      /TRIBUTARY_S3_BUCKET: is required when TRIBUTARY_STORAGE=s3/,
    );
  });

  it('reads every variable', () => {
    const env = parseWorkerEnv({
      ...required,
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TASK_QUEUE: 'q',
      TRIBUTARY_DATA_DIR: '/var/lib/tributary',
      LOG_LEVEL: 'debug',
      TRIBUTARY_WORKFLOW_BUNDLE: '/opt/bundle.js',
    });
    expect(env).toMatchObject({
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'prod',
      temporalTaskQueue: 'q',
      dataDir: '/var/lib/tributary',
      logLevel: 'debug',
      workflowBundlePath: '/opt/bundle.js',
    });
  });

  it('names every missing or bad variable', () => {
    expect(() => parseWorkerEnv({})).toThrow(/DATABASE_URL: is required[\s\S]*TRIBUTARY_SECRET_KEY: is required/);
    expect(() => parseWorkerEnv({ ...required, TEMPORAL_ADDRESS: 'http://temporal' })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
    expect(() => parseWorkerEnv({ ...required, TRIBUTARY_SECRET_KEY: 'short' })).toThrow(/TRIBUTARY_SECRET_KEY: must be 32 bytes/);
  });
});
