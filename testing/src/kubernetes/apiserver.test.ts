import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../processes.js';
import { KUBERNETES_START_TIMEOUT_MS, startTestKubernetes } from './apiserver.js';

describe('startTestKubernetes', () => {
  it(
    'serves Kubernetes v1.34.4 with TLS and RBAC, and stop() leaves no process or file behind',
    async () => {
      const kube = await startTestKubernetes();
      try {
        expect((await kube.kubeConfig.makeApiClient(VersionApi).getCode()).gitVersion).toMatch(/^v1\.34\.4/);
        expect(kube.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect(existsSync(kube.kubeconfigPath)).toBe(true);

        // a service account with no binding may do nothing: RBAC is on
        const namespace = await kube.createNamespace();
        const nobody = (await kube.kubeConfigFor(namespace, 'default')).makeApiClient(CoreV1Api);
        await expect(nobody.listNamespacedPod({ namespace })).rejects.toMatchObject({ code: 403 });
        // a request without credentials is refused
        const anonymous = await fetch(`${kube.server}/api/v1/namespaces`).catch((error: unknown) => error);
        expect(anonymous).toBeInstanceOf(Error); // our CA is not Node's: TLS itself refuses
      } finally {
        await kube.stop();
      }
      expect(kube.pids.filter(isAlive)).toEqual([]);
      expect(existsSync(dirname(kube.kubeconfigPath))).toBe(false);
    },
    KUBERNETES_START_TIMEOUT_MS,
  );
});
