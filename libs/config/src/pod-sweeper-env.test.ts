import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';
import { podSweeperEnvSchema } from './pod-sweeper-env.js';

describe('pod-sweeper environment', () => {
  it('needs nothing: every minute figure has its default', () => {
    expect(loadConfig(podSweeperEnvSchema, {})).toEqual({
      TRIBUTARY_KUBERNETES_NAMESPACE: 'default',
      LOG_LEVEL: 'info',
      TRIBUTARY_POD_SWEEPER_INTERVAL_MINUTES: 2,
      TRIBUTARY_POD_SWEEPER_SUCCEEDED_TTL_MINUTES: 10,
      TRIBUTARY_POD_SWEEPER_FAILED_TTL_MINUTES: 120,
      TRIBUTARY_POD_SWEEPER_PAGE_SIZE: 200,
      TRIBUTARY_METRICS_PORT: 9467,
      TRIBUTARY_METRICS_HOST: '0.0.0.0',
    });
  });

  it('takes fractions of minutes and a kubeconfig file', () => {
    const config = loadConfig(podSweeperEnvSchema, {
      TRIBUTARY_POD_SWEEPER_INTERVAL_MINUTES: '0.5',
      KUBECONFIG: '/etc/kube/config',
      TRIBUTARY_KUBERNETES_NAMESPACE: 'tributary-jobs',
    });
    expect(config).toMatchObject({
      TRIBUTARY_POD_SWEEPER_INTERVAL_MINUTES: 0.5,
      KUBECONFIG: '/etc/kube/config',
      TRIBUTARY_KUBERNETES_NAMESPACE: 'tributary-jobs',
    });
  });

  it('names every bad variable', () => {
    const bad = {
      TRIBUTARY_POD_SWEEPER_SUCCEEDED_TTL_MINUTES: 'ten',
      TRIBUTARY_POD_SWEEPER_FAILED_TTL_MINUTES: '-1',
      TRIBUTARY_KUBERNETES_NAMESPACE: 'Jobs_NS',
    };
    let error: unknown;
    try {
      loadConfig(podSweeperEnvSchema, bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(Object.keys(bad).sort());
    expect((error as ConfigError).message).toContain('TRIBUTARY_POD_SWEEPER_FAILED_TTL_MINUTES: must be a positive number of minutes');
    expect((error as ConfigError).message).toContain('TRIBUTARY_KUBERNETES_NAMESPACE: must be a Kubernetes namespace name');
  });
});
