import { describe, expect, it } from 'vitest';
import { kubernetesJobSettingsOf, kubernetesLauncherEnvSchema } from './kubernetes-env.js';
import { ConfigError, loadConfig } from './load-config.js';
import { workerEnvSchema } from './schemas.js';

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadConfig(kubernetesLauncherEnvSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('the environment was accepted');
}

describe('kubernetes launcher environment', () => {
  it('the worker runs connectors as processes unless told otherwise, and refuses an unknown launcher by name', () => {
    const required = { DATABASE_URL: 'postgres://u:p@db/t', TRIBUTARY_SECRET_KEY: 'ab'.repeat(32) };
    expect(loadConfig(workerEnvSchema, required).TRIBUTARY_LAUNCHER).toBe('process');
    expect(loadConfig(workerEnvSchema, { ...required, TRIBUTARY_LAUNCHER: 'kubernetes' }).TRIBUTARY_LAUNCHER).toBe('kubernetes');
    expect(() => loadConfig(workerEnvSchema, { ...required, TRIBUTARY_LAUNCHER: 'docker' })).toThrow(/TRIBUTARY_LAUNCHER/);
  });

  it('needs nothing: job pods run in `default` as its default service account, Pending for at most 5 minutes', () => {
    expect(kubernetesJobSettingsOf(loadConfig(kubernetesLauncherEnvSchema, {}))).toEqual({
      namespace: 'default',
      imagePullSecrets: [],
      resources: {},
      nodeSelectors: {},
      tolerations: {},
      pendingTimeoutMs: 300_000,
    });
  });

  it('reads every setting, JSON ones by job type', () => {
    const config = loadConfig(kubernetesLauncherEnvSchema, {
      TRIBUTARY_KUBERNETES_NAMESPACE: 'tributary-jobs',
      TRIBUTARY_KUBERNETES_SERVICE_ACCOUNT: 'tributary-jobs',
      TRIBUTARY_KUBERNETES_IMAGE_PULL_SECRETS: 'registry-a, registry-b,',
      TRIBUTARY_KUBERNETES_RESOURCES: '{"default":{"memoryLimit":"1Gi","cpuRequest":"250m"},"sync":{"memoryLimit":"4Gi"}}',
      TRIBUTARY_KUBERNETES_NODE_SELECTORS: '{"sync":{"tributary.io/pool":"jobs"}}',
      TRIBUTARY_KUBERNETES_TOLERATIONS: '{"default":[{"key":"jobs","operator":"Exists","effect":"NoSchedule"}]}',
      TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS: '60000',
      TRIBUTARY_ORCHESTRATOR_IMAGE: 'tributary/tributary-orchestrator:0.1.0',
      TRIBUTARY_KUBERNETES_API_URL: 'http://tributary-server:8000',
    });
    expect(kubernetesJobSettingsOf(config)).toEqual({
      namespace: 'tributary-jobs',
      serviceAccount: 'tributary-jobs',
      imagePullSecrets: ['registry-a', 'registry-b'],
      resources: { default: { memoryLimit: '1Gi', cpuRequest: '250m' }, sync: { memoryLimit: '4Gi' } },
      nodeSelectors: { sync: { 'tributary.io/pool': 'jobs' } },
      tolerations: { default: [{ key: 'jobs', operator: 'Exists', effect: 'NoSchedule' }] },
      pendingTimeoutMs: 60_000,
    });
    expect(config.TRIBUTARY_ORCHESTRATOR_IMAGE).toBe('tributary/tributary-orchestrator:0.1.0');
    expect(config.TRIBUTARY_KUBERNETES_API_URL).toBe('http://tributary-server:8000');
  });

  it('names every bad variable, and the entry inside a JSON one', () => {
    const problems = problemsOf({
      TRIBUTARY_KUBERNETES_SERVICE_ACCOUNT: 'Jobs_SA',
      TRIBUTARY_KUBERNETES_IMAGE_PULL_SECRETS: 'ok,Not OK',
      TRIBUTARY_KUBERNETES_RESOURCES: '{"sync":{"memoryLimit":"lots"}}',
      TRIBUTARY_KUBERNETES_NODE_SELECTORS: '{"sync":{"pool":"a b"}}',
      TRIBUTARY_KUBERNETES_TOLERATIONS: '{"default":[{"key":"jobs","operator":"Maybe"}]}',
      TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS: 'soon',
      TRIBUTARY_KUBERNETES_API_URL: 'ftp://server',
    });
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'TRIBUTARY_KUBERNETES_API_URL',
      'TRIBUTARY_KUBERNETES_IMAGE_PULL_SECRETS.1',
      'TRIBUTARY_KUBERNETES_NODE_SELECTORS.sync.pool',
      'TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS',
      'TRIBUTARY_KUBERNETES_RESOURCES.sync.memoryLimit',
      'TRIBUTARY_KUBERNETES_SERVICE_ACCOUNT',
      'TRIBUTARY_KUBERNETES_TOLERATIONS.default.0.operator',
    ]);
    expect(problems.find((p) => p.variable.startsWith('TRIBUTARY_KUBERNETES_RESOURCES'))?.message).toMatch(/Kubernetes quantity/);
  });

  it('refuses JSON that does not parse, an unknown job type and an unknown resource field', () => {
    expect(problemsOf({ TRIBUTARY_KUBERNETES_RESOURCES: '{"sync":' })).toEqual([
      { variable: 'TRIBUTARY_KUBERNETES_RESOURCES', message: expect.stringMatching(/must be JSON/) },
    ]);
    expect(problemsOf({ TRIBUTARY_KUBERNETES_RESOURCES: '{"replicate":{}}' })[0]?.variable).toMatch(/^TRIBUTARY_KUBERNETES_RESOURCES/);
    expect(problemsOf({ TRIBUTARY_KUBERNETES_RESOURCES: '{"sync":{"memory":"1Gi"}}' })[0]?.variable).toMatch(
      /^TRIBUTARY_KUBERNETES_RESOURCES\.sync/,
    );
  });
});
