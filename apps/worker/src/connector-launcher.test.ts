/**
 * Which launcher runs connector commands: with TRIBUTARY_LAUNCHER=kubernetes, pods in the
 * configured namespace (a real kube-apiserver, the fake kubelet playing the node); otherwise
 * the process launcher itself.
 */
import { fileURLToPath } from 'node:url';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { ProcessLauncher, type ConnectorDefinition } from '@tributary/launcher';
import { FakeKubelet, KUBERNETES_START_TIMEOUT_MS, startTestKubernetes, type TestKubernetes } from '@tributary/testing/kubernetes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorCommandLauncher } from './connector-launcher.js';
import { parseWorkerEnv } from './worker-env.js';

const sourceSample = fileURLToPath(new URL('../../../libs/connectors/dist/bin/source-sample.js', import.meta.url));
const required = { DATABASE_URL: 'postgres://tributary@db:5432/tributary', TRIBUTARY_SECRET_KEY: 'ab'.repeat(32) };
const sample: ConnectorDefinition = { runtime: { kind: 'builtin', name: 'source-sample' }, image: 'tributary/source-sample:dev' };

describe('the connector command launcher', () => {
  const processLauncher = new ProcessLauncher({ installDir: '/nonexistent' });

  it('is the process launcher by default', async () => {
    expect(await connectorCommandLauncher(parseWorkerEnv(required).launcher, processLauncher)).toBe(processLauncher);
  });

  describe('with TRIBUTARY_LAUNCHER=kubernetes', () => {
    let kube: TestKubernetes;
    let kubelet: FakeKubelet;
    let namespace: string;
    const pods: V1Pod[] = [];
    beforeAll(async () => {
      kube = await startTestKubernetes();
      namespace = await kube.createNamespace();
      kubelet = new FakeKubelet({
        kubeConfig: kube.kubeConfig,
        namespace,
        tls: kube.kubeletTls,
        images: { 'tributary/source-sample': { env: { AIRBYTE_ENTRYPOINT: `${process.execPath} ${sourceSample}` } } },
      });
      await kubelet.start();
    }, KUBERNETES_START_TIMEOUT_MS);
    afterAll(async () => {
      await kubelet?.stop();
      await kube?.stop();
    });

    it('runs spec as a pod in the configured namespace, with the configured resources', async () => {
      const env = parseWorkerEnv({
        ...required,
        TRIBUTARY_LAUNCHER: 'kubernetes',
        KUBECONFIG: kube.kubeconfigPath,
        TRIBUTARY_KUBERNETES_NAMESPACE: namespace,
        TRIBUTARY_KUBERNETES_RESOURCES: '{"spec":{"memoryLimit":"300Mi"}}',
        TRIBUTARY_ORCHESTRATOR_IMAGE: 'tributary/tributary-orchestrator:test',
        TRIBUTARY_KUBERNETES_API_URL: 'http://127.0.0.1:8000',
      });
      const launcher = await connectorCommandLauncher(env.launcher, processLauncher);
      const core = kube.kubeConfig.makeApiClient(CoreV1Api);
      const seen = setInterval(() => {
        void core.listNamespacedPod({ namespace }).then((list) => pods.push(...list.items));
      }, 20);
      const result = await launcher.spec(sample, { job: { id: 'connector-command-spec-1', attempt: 1 } }).finally(() => clearInterval(seen));
      expect(result.ok && result.value.connectionSpecification).toMatchObject({ properties: { count: expect.any(Object) } });
      const pod = pods.find((p) => p.metadata?.labels?.['tributary.io/job-id'] === 'connector-command-spec-1');
      expect(pod?.spec?.containers[0]?.resources?.limits).toEqual({ memory: '300Mi' });
    });
  });
});
