/**
 * watchPod and the job pod building blocks against a real kube-apiserver, with the fake
 * kubelet playing the node: every end of a pod, and what is left of it afterwards.
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Container, type V1Pod } from '@kubernetes/client-node';
import { FakeKubelet, KUBERNETES_START_TIMEOUT_MS, startTestKubernetes, type TestKubernetes } from '@tributary/testing/kubernetes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_MOUNT_PATH, configSecretVolume, createJobPod, jobPodName, jobPodSpecBase, type KubernetesJobSettings } from './job-pod.js';
import { jobPodLabels } from './pod-labels.js';
import { watchPod } from './pod-watch.js';

describe('watchPod against a real kube-apiserver', () => {
  let kube: TestKubernetes;
  let core: CoreV1Api;
  let kubelet: FakeKubelet;
  let namespace: string;
  let settings: KubernetesJobSettings;

  beforeAll(async () => {
    kube = await startTestKubernetes();
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    namespace = await kube.createNamespace();
    settings = { namespace, imagePullSecrets: [], resources: {}, nodeSelectors: {}, tolerations: {}, pendingTimeoutMs: 1500 };
    kubelet = new FakeKubelet({
      kubeConfig: kube.kubeConfig,
      namespace,
      tls: kube.kubeletTls,
      // commands come from this machine's PATH
      images: { 'test/shell': {} },
      unschedulable: (pod) => (pod.metadata?.labels?.['test/unschedulable'] ? '0/1 nodes are available: 1 Insufficient memory.' : undefined),
    });
    await kubelet.start();
  }, KUBERNETES_START_TIMEOUT_MS);
  afterAll(async () => {
    await kubelet?.stop();
    await kube?.stop();
  });

  /** A one-container job pod running `script` with `sh -c`, its config Secret holding `files`. */
  async function startPod(script: string, options: { files?: Record<string, string>; container?: Partial<V1Container>; labels?: Record<string, string> } = {}) {
    const name = jobPodName('check-test');
    const pod: V1Pod = {
      metadata: { name, labels: { ...jobPodLabels({ jobType: 'check', jobId: name, attempt: 1 }), ...options.labels } },
      spec: {
        ...jobPodSpecBase(settings, 'check'),
        containers: [
          {
            name: 'main',
            image: 'test/shell:1',
            command: ['sh', '-c', script],
            ...(options.files ? { volumeMounts: [{ name: 'config', mountPath: CONFIG_MOUNT_PATH, readOnly: true }] } : {}),
            ...options.container,
          },
        ],
        ...(options.files ? { volumes: [configSecretVolume(name)] } : {}),
      },
    };
    await createJobPod(core, namespace, pod, options.files);
    return name;
  }

  const watch = (name: string, signal?: AbortSignal) =>
    watchPod({ kubeConfig: kube.kubeConfig, namespace, name, pendingTimeoutMs: settings.pendingTimeoutMs, ...(signal ? { signal } : {}) });

  async function exists(kind: 'pod' | 'secret', name: string): Promise<boolean> {
    try {
      await (kind === 'pod' ? core.readNamespacedPod({ name, namespace }) : core.readNamespacedSecret({ name, namespace }));
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  }

  it('a pod that succeeds is a success; its config arrives as a file of a Secret owned by the pod', async () => {
    const name = await startPod(`test "$(cat ${CONFIG_MOUNT_PATH}/config.json)" = '{"a":1}'`, { files: { 'config.json': '{"a":1}' } });
    const secret = await core.readNamespacedSecret({ name, namespace });
    const pod = await core.readNamespacedPod({ name, namespace });
    expect(secret.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', name, uid: pod.metadata?.uid })]);
    const end = await watch(name);
    expect(end).toMatchObject({ ok: true, pod: { status: { phase: 'Succeeded' } } });
  });

  it('a failed container fails with its name and exit code', async () => {
    const name = await startPod('echo broken >&2; exit 3');
    expect(await watch(name)).toMatchObject({ ok: false, kind: 'failed', message: `pod ${name}: container "main" exited with code 3` });
  });

  it('an OOMKilled container fails with "out of memory" and its limit', async () => {
    const name = await startPod('sleep 30', { container: { resources: { limits: { memory: '512Mi' } } } });
    const end = watch(name);
    await waitFor(() => isRunning(name));
    kubelet.oomKill(namespace, name, 'main');
    expect(await end).toMatchObject({ ok: false, kind: 'out-of-memory', message: `pod ${name}: container "main" ran out of memory (limit 512Mi)` });
  });

  it('an unschedulable pod fails at the pending timeout with the scheduler’s reason, never as a success, and is deleted', async () => {
    const name = await startPod('true', { labels: { 'test/unschedulable': 'yes' }, files: { 'config.json': '{}' } });
    const started = Date.now();
    const end = await watch(name);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(end).toMatchObject({ ok: false, kind: 'pending-timeout' });
    expect(!end.ok && end.message).toMatch(
      new RegExp(`^pod ${name}: still Pending after \\d+ s: Unschedulable: 0/1 nodes are available: 1 Insufficient memory\\.$`),
    );
    await waitFor(async () => !(await exists('pod', name)) && !(await exists('secret', name)));
  });

  it('an image that cannot be pulled fails at the pending timeout with the pull error', async () => {
    const name = await startPod('true', { container: { image: 'test/missing:1' } });
    const end = await watch(name);
    expect(end).toMatchObject({ ok: false, kind: 'pending-timeout' });
    expect(!end.ok && end.message).toContain('container "main" (test/missing:1) is waiting: ImagePullBackOff: Back-off pulling image "test/missing:1"');
  });

  it('a pod one of whose containers cannot pull its image fails at the timeout even while another runs', async () => {
    // no kubelet in this namespace: the test writes the status a kubelet would
    const elsewhere = await kube.createNamespace();
    const name = 'half-started';
    await core.createNamespacedPod({
      namespace: elsewhere,
      body: {
        metadata: { name },
        spec: {
          ...jobPodSpecBase(settings, 'sync'),
          containers: [
            { name: 'orchestrator', image: 'test/shell:1', command: ['sleep', '60'] },
            { name: 'source', image: 'airbyte/source-gone:1' },
          ],
        },
      },
    });
    const status = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True' }],
      containerStatuses: [
        { name: 'orchestrator', image: 'test/shell:1', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: new Date() } } },
        {
          name: 'source',
          image: 'airbyte/source-gone:1',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } },
        },
      ],
    };
    await core.patchNamespacedPodStatus({ name, namespace: elsewhere, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const end = await watchPod({ kubeConfig: kube.kubeConfig, namespace: elsewhere, name, pendingTimeoutMs: 1000 });
    expect(end).toMatchObject({ ok: false, kind: 'pending-timeout' });
    expect(!end.ok && end.message).toMatch(/still Pending after \d+ s: container "source" \(airbyte\/source-gone:1\) is waiting: ErrImagePull: manifest unknown$/);
    await expect(core.readNamespacedPod({ name, namespace: elsewhere })).rejects.toMatchObject({ code: 404 });
  });

  it('an aborted signal deletes the running pod and its Secret: cancelled', async () => {
    const name = await startPod('sleep 30', { files: { 'config.json': '{}' } });
    const controller = new AbortController();
    const end = watch(name, controller.signal);
    await waitFor(() => isRunning(name));
    controller.abort();
    expect(await end).toMatchObject({ ok: false, kind: 'cancelled' });
    expect(await exists('secret', name)).toBe(false);
    await waitFor(async () => !(await exists('pod', name)));
  });

  it('a pod deleted by someone else fails as vanished', async () => {
    const name = await startPod('sleep 30');
    const end = watch(name);
    await waitFor(() => isRunning(name));
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
    expect(await end).toMatchObject({ ok: false, kind: 'vanished', message: `pod ${name}: the pod was deleted before it finished` });
  });

  it('a pod that is already gone fails as vanished', async () => {
    expect(await watch('never-created')).toMatchObject({ ok: false, kind: 'vanished' });
  });

  async function isRunning(name: string): Promise<boolean> {
    return (await core.readNamespacedPod({ name, namespace })).status?.phase === 'Running';
  }
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
