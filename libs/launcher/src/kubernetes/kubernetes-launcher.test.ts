/**
 * KubernetesLauncher against a real kube-apiserver, with the fake kubelet playing the node
 * (and serving container logs, which the API server proxies as pods/log) and real connectors
 * mapped to images: source-sample (builtin) and airbyte-source-faker from PyPI. The launcher
 * runs as a service account with exactly the rules of the chart's worker Role.
 */
import { CoreV1Api, RbacAuthorizationV1Api, makeInformer, type V1Pod, type V1Secret } from '@kubernetes/client-node';
import type { LogEntry } from '@tributary/domain';
import { connectorInstallDir, fixturePath } from '@tributary/testing';
import { FakeKubelet, KUBERNETES_START_TIMEOUT_MS, startTestKubernetes, type TestKubernetes } from '@tributary/testing/kubernetes';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRuntime } from '../runtimes.js';
import type { ConnectorDefinition } from '../types.js';
import type { KubernetesJobSettings } from './job-pod.js';
import { KubernetesLauncher } from './kubernetes-launcher.js';

const sourceSample = fileURLToPath(new URL('../../../connectors/dist/bin/source-sample.js', import.meta.url));
const fakeConnector = fixturePath('fake-connector.mjs');
const FAKER_VERSION = '7.2.1';
/** a connector config with a secret in it: it must reach the pod only inside its Secret */
const API_KEY = 'sk-test-5f1d8c0b9e7a4c21';

const sample: ConnectorDefinition = { runtime: { kind: 'builtin', name: 'source-sample' }, image: 'tributary/source-sample:dev' };
const faker: ConnectorDefinition = {
  runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: FAKER_VERSION },
  image: `airbyte/source-faker:${FAKER_VERSION}`,
};
/** the fake connector, hanging or failing on purpose whatever the command */
const hanging: ConnectorDefinition = { runtime: { kind: 'command', command: 'none' }, image: 'test/hang:1' };
const traceError: ConnectorDefinition = { runtime: { kind: 'command', command: 'none' }, image: 'test/trace-error:1' };

describe('KubernetesLauncher against a real kube-apiserver', () => {
  let kube: TestKubernetes;
  let core: CoreV1Api;
  let kubelet: FakeKubelet;
  let namespace: string;
  let settings: KubernetesJobSettings;
  let launcher: KubernetesLauncher;
  /** every pod and Secret created in the namespace, as created */
  const created = { pods: [] as V1Pod[], secrets: [] as V1Secret[] };
  const stopInformers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    kube = await startTestKubernetes();
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    namespace = await kube.createNamespace();
    const fakerCommand = await resolveRuntime(faker.runtime, { installDir: connectorInstallDir() });
    kubelet = new FakeKubelet({
      kubeConfig: kube.kubeConfig,
      namespace,
      tls: kube.kubeletTls,
      images: {
        'tributary/source-sample': { env: { AIRBYTE_ENTRYPOINT: `${process.execPath} ${sourceSample}` } },
        'airbyte/source-faker': { env: { AIRBYTE_ENTRYPOINT: [fakerCommand.command, ...fakerCommand.args].join(' ') } },
        'test/hang': { env: { AIRBYTE_ENTRYPOINT: `${process.execPath} ${fakeConnector} hang` } },
        'test/trace-error': { env: { AIRBYTE_ENTRYPOINT: `${process.execPath} ${fakeConnector} trace-error` } },
      },
      unschedulable: (pod) =>
        pod.spec?.containers[0]?.resources?.requests?.['memory'] === '64Gi' ? '0/1 nodes are available: 1 Insufficient memory.' : undefined,
    });
    await kubelet.start();
    for (const [path, list, into] of [
      [`/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace }), created.pods],
      [`/api/v1/namespaces/${namespace}/secrets`, () => core.listNamespacedSecret({ namespace }), created.secrets],
    ] as const) {
      const informer = makeInformer<V1Pod | V1Secret>(kube.kubeConfig, path, list as never);
      informer.on('add', (object) => void (into as (V1Pod | V1Secret)[]).push(object));
      await informer.start();
      stopInformers.push(() => informer.stop());
    }
    settings = {
      namespace,
      imagePullSecrets: ['registry-credentials'],
      resources: { default: { cpuRequest: '100m', memoryRequest: '128Mi', memoryLimit: '1Gi' }, check: { memoryLimit: '2Gi', cpuLimit: '1' } },
      nodeSelectors: {},
      tolerations: { check: [{ key: 'tributary-jobs', operator: 'Exists', effect: 'NoSchedule' }] },
      pendingTimeoutMs: 1500,
    };
    launcher = new KubernetesLauncher({ kubeConfig: await workerKubeConfig(kube, namespace), settings });
  }, KUBERNETES_START_TIMEOUT_MS);
  afterAll(async () => {
    for (const stop of stopInformers) await stop();
    await kubelet?.stop();
    await kube?.stop();
  });

  const podsNamed = (prefix: string) => created.pods.filter((p) => p.metadata?.name?.startsWith(prefix));
  const remaining = async () => ({
    pods: (await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.name),
    secrets: (await core.listNamespacedSecret({ namespace })).items.map((s) => s.metadata?.name),
  });

  it('spec of source-sample runs in a pod and answers its specification; nothing is left behind', async () => {
    const logs: LogEntry[] = [];
    const result = await launcher.spec(sample, { onLog: (entry) => logs.push(entry) });
    expect(result.ok && result.value.connectionSpecification).toMatchObject({ properties: { count: expect.any(Object) } });
    const [pod] = podsNamed('spec-source-sample-');
    expect(pod?.spec?.containers[0]?.command).toEqual(['sh', '-c', 'exec ${AIRBYTE_ENTRYPOINT:?the image sets no AIRBYTE_ENTRYPOINT} spec']);
    // spec has no config: no Secret and no volume
    expect(pod?.spec?.volumes).toBeUndefined();
    expect(logs.some((l) => l.origin === 'platform' && l.message.includes(`pod ${namespace}/${pod?.metadata?.name}`))).toBe(true);
    await eventually(async () => expect(await remaining()).toEqual({ pods: [], secrets: [] }));
  });

  it('check: the pod has the job labels, the resources by precedence, its settings, and the config only in its Secret', async () => {
    const definition = { ...sample, resources: { cpuLimit: '2' } };
    const result = await launcher.check(definition, { count: 3, api_key: API_KEY }, { job: { id: 'check-7f3a', attempt: 2 } });
    expect(result).toEqual({ ok: true, value: { status: 'SUCCEEDED' } });

    const [pod] = podsNamed('check-source-sample-');
    const name = pod!.metadata!.name!;
    expect(pod!.metadata!.labels).toEqual({
      tributary: 'job-pod',
      'tributary.io/job-type': 'check',
      'tributary.io/job-id': 'check-7f3a',
      'tributary.io/attempt': '2',
    });
    const container = pod!.spec!.containers[0]!;
    // the definition's cpu limit, the check default's memory limit, the instance default's requests
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(pod!.spec).toMatchObject({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: 'registry-credentials' }],
      // (the API server adds its default not-ready/unreachable tolerations)
      tolerations: expect.arrayContaining([{ key: 'tributary-jobs', operator: 'Exists', effect: 'NoSchedule' }]),
      securityContext: { runAsNonRoot: true },
      volumes: [{ name: 'config', secret: { secretName: name } }],
    });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.command?.[2]).toMatch(/ check --config \/config\/config\.json$/);
    expect(container.volumeMounts).toEqual([{ name: 'config', mountPath: '/config', readOnly: true }]);
    // no config, credential or platform secret anywhere in the pod
    const podJson = JSON.stringify(pod);
    for (const leak of [API_KEY, 'DATABASE_URL', 'TRIBUTARY_SECRET_KEY', 'postgres://']) expect(podJson).not.toContain(leak);
    expect(container.env ?? []).toEqual([]);

    const secret = created.secrets.find((s) => s.metadata?.name === name);
    expect(secret?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', name, uid: pod!.metadata!.uid })]);
    expect(JSON.parse(Buffer.from(secret!.data!['config.json']!, 'base64').toString())).toEqual({ count: 3, api_key: API_KEY });
    await eventually(async () => expect(await remaining()).toEqual({ pods: [], secrets: [] }));
  });

  it('a failing check answers the connector’s message; a TRACE error is the failure with the connector’s last lines', async () => {
    expect(await launcher.check(sample, { count: -5 })).toMatchObject({
      ok: true,
      value: { status: 'FAILED', message: expect.stringContaining('count') },
    });
    const failed = await launcher.check(traceError, {});
    expect(failed).toMatchObject({
      ok: false,
      failure: { type: 'config_error', message: 'bad credentials', internalMessage: expect.stringContaining('GET /me answered 401 Unauthorized') },
    });
  });

  it('discover of source-sample answers its catalog', async () => {
    const result = await launcher.discover(sample, { count: 3 });
    expect(result.ok && result.value.streams.map((s) => s.name).sort()).toEqual(expect.arrayContaining(['users']));
  });

  it('a real PyPI connector (airbyte-source-faker): spec, check and discover through pods', async () => {
    const spec = await launcher.spec(faker, { timeoutMs: 120_000 });
    expect(spec.ok && spec.value.connectionSpecification).toMatchObject({ properties: { count: expect.any(Object) } });
    expect(await launcher.check(faker, { count: 10 }, { timeoutMs: 120_000 })).toMatchObject({ ok: true, value: { status: 'SUCCEEDED' } });
    const discovered = await launcher.discover(faker, { count: 10 }, { timeoutMs: 120_000 });
    expect(discovered.ok && discovered.value.streams.map((s) => s.name).sort()).toEqual(['products', 'purchases', 'users']);
  }, 300_000);

  it('a pod that cannot be scheduled fails with the scheduler’s reason, never a success, and is removed', async () => {
    const result = await launcher.check({ ...sample, resources: { memoryRequest: '64Gi', memoryLimit: '64Gi' } }, { count: 1 });
    expect(result).toMatchObject({ ok: false, failure: { origin: 'source', type: 'system_error' } });
    expect(!result.ok && result.failure.message).toMatch(
      /^source check failed: pod check-source-sample-[0-9a-f]{8}: still Pending after \d+ s: Unschedulable: 0\/1 nodes are available: 1 Insufficient memory\.$/,
    );
    await eventually(async () => expect(await remaining()).toEqual({ pods: [], secrets: [] }));
  });

  it('an image that cannot be pulled fails with the pull error', async () => {
    const result = await launcher.spec({ ...sample, image: 'tributary/no-such-connector:1' });
    expect(!result.ok && result.failure.message).toContain('is waiting: ImagePullBackOff: Back-off pulling image "tributary/no-such-connector:1"');
  });

  it('a connector killed for memory fails with "out of memory" and its limit', async () => {
    const result = launcher.check(hanging, {});
    const name = await runningPod('check-hang-');
    kubelet.oomKill(namespace, name, 'main');
    expect(await result).toMatchObject({
      ok: false,
      failure: { message: `source check failed: pod ${name}: container "main" ran out of memory (limit 2Gi)` },
    });
  });

  it('cancel deletes the pod and its Secret', async () => {
    const controller = new AbortController();
    const result = launcher.discover(hanging, { api_key: API_KEY }, { signal: controller.signal });
    const name = await runningPod('discover-hang-');
    expect((await remaining()).secrets).toContain(name);
    controller.abort();
    expect(await result).toMatchObject({ ok: false, failure: { message: 'source discover was cancelled' } });
    await eventually(async () => expect(await remaining()).toEqual({ pods: [], secrets: [] }));
  });

  it('a command past its timeout fails as transient, its pod deleted', async () => {
    const result = await launcher.spec(hanging, { timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, failure: { type: 'transient_error', message: 'source spec timed out after 1000 ms' } });
    await eventually(async () => expect(await remaining()).toEqual({ pods: [], secrets: [] }));
  });

  it('a pod deleted by someone else fails the command', async () => {
    const result = launcher.check(hanging, {}, { role: 'destination' });
    const name = await runningPod('check-hang-', 1);
    await core.deleteNamespacedPod({ name, namespace });
    expect(await result).toMatchObject({
      ok: false,
      failure: { origin: 'destination', message: `destination check failed: pod ${name}: the pod was deleted before it finished` },
    });
  });

  it('a definition without an image, read and write are refused with a clear error', async () => {
    expect(await launcher.spec({ runtime: sample.runtime })).toMatchObject({
      ok: false,
      failure: { type: 'config_error', message: 'the source connector has no image: the Kubernetes launcher runs connectors from images' },
    });
    await expect(launcher.read()).rejects.toThrow(/in Kubernetes a sync runs as one replication pod/);
    await expect(launcher.write()).rejects.toThrow(/in Kubernetes a sync runs as one replication pod/);
  });

  /** The name of the `index`-th pod named `prefix...`, once its container runs. */
  async function runningPod(prefix: string, index = 0): Promise<string> {
    let name = '';
    await eventually(async () => {
      name = podsNamed(prefix)[index]?.metadata?.name ?? '';
      expect(name).not.toBe('');
      expect((await core.readNamespacedPod({ name, namespace })).status?.phase).toBe('Running');
    });
    return name;
  }
});

/** A KubeConfig for a service account allowed exactly what the chart's worker Role allows. */
async function workerKubeConfig(kube: TestKubernetes, namespace: string) {
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const rbac = kube.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'worker' } } });
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'worker' },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'delete'] },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'worker' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'worker' },
      subjects: [{ kind: 'ServiceAccount', name: 'worker', namespace }],
    },
  });
  return kube.kubeConfigFor(namespace, 'worker');
}

async function eventually(assertion: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
