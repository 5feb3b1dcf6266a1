import { describe, expect, it } from 'vitest';
import { imageName, jobPodName, jobPodSpecBase, type KubernetesJobSettings } from './job-pod.js';

const settings: KubernetesJobSettings = {
  namespace: 'jobs',
  serviceAccount: 'tributary-jobs',
  imagePullSecrets: ['registry'],
  resources: {},
  nodeSelectors: { default: { pool: 'jobs' }, sync: { pool: 'sync' } },
  tolerations: { sync: [{ key: 'sync', operator: 'Exists', effect: 'NoSchedule' }] },
  pendingTimeoutMs: 60_000,
};

describe('job pod building blocks', () => {
  it('every job pod: never restarted, no API token, the service account, pull secrets, non-root', () => {
    expect(jobPodSpecBase(settings, 'check')).toEqual({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      serviceAccountName: 'tributary-jobs',
      imagePullSecrets: [{ name: 'registry' }],
      nodeSelector: { pool: 'jobs' },
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
    });
  });

  it('node selector and tolerations by job type: its own replace the default', () => {
    expect(jobPodSpecBase(settings, 'sync')).toMatchObject({
      nodeSelector: { pool: 'sync' },
      tolerations: [{ key: 'sync', operator: 'Exists', effect: 'NoSchedule' }],
    });
    const bare = jobPodSpecBase({ ...settings, serviceAccount: undefined, imagePullSecrets: [], nodeSelectors: {}, tolerations: {} }, 'spec');
    expect(Object.keys(bare).sort()).toEqual(['automountServiceAccountToken', 'restartPolicy', 'securityContext']);
  });

  it('pod names: a valid name of at most 63 characters, unique', () => {
    const name = jobPodName(`discover-${'Source_Very.Long'.repeat(10)}`);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(jobPodName('spec-x')).not.toBe(jobPodName('spec-x'));
  });

  it('an image reference names its connector', () => {
    expect(imageName('airbyte/source-faker:6.2.1')).toBe('source-faker');
    expect(imageName('registry.local:5000/team/destination-postgres@sha256:abc123')).toBe('destination-postgres');
    expect(imageName('source-sample')).toBe('source-sample');
  });
});
