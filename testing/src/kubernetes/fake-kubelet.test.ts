import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { CoreV1Api, Log, type V1Container, type V1Pod, type V1PodSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBERNETES_START_TIMEOUT_MS, startTestKubernetes, type TestKubernetes } from './apiserver.js';
import { FakeKubelet } from './fake-kubelet.js';

const sourceSample = fileURLToPath(new URL('../../../libs/connectors/dist/bin/source-sample.js', import.meta.url));

const shell = (name: string, script: string, extra: Partial<V1Container> = {}): V1Container => ({
  name,
  image: 'test/shell:1',
  command: ['sh', '-c', script],
  ...extra,
});

describe('fake kubelet against a real kube-apiserver', () => {
  let kube: TestKubernetes;
  let core: CoreV1Api;
  let kubelet: FakeKubelet;
  beforeAll(async () => {
    kube = await startTestKubernetes();
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    kubelet = new FakeKubelet({
      kubeConfig: kube.kubeConfig,
      // a Node whose kubelet endpoint serves container logs
      tls: kube.kubeletTls,
      images: {
        // commands of this image come from the machine's PATH
        'test/shell': {},
        // like an Airbyte connector image: an ENTRYPOINT and AIRBYTE_ENTRYPOINT naming it
        'tributary/source-sample': {
          entrypoint: [process.execPath, sourceSample],
          env: { AIRBYTE_ENTRYPOINT: `${process.execPath} ${sourceSample}` },
        },
      },
      unschedulable: (pod) => (pod.metadata?.labels?.unschedulable ? '0/1 nodes are available: 1 Insufficient memory.' : undefined),
    });
    await kubelet.start();
  }, KUBERNETES_START_TIMEOUT_MS);
  afterAll(async () => {
    await kubelet?.stop();
    await kube?.stop();
  });

  async function runPod(name: string, spec: Partial<V1PodSpec>, labels: Record<string, string> = {}): Promise<string> {
    const namespace = await kube.createNamespace();
    await core.createNamespacedPod({
      namespace,
      body: { metadata: { name, labels }, spec: { restartPolicy: 'Never', containers: [], ...spec } },
    });
    return namespace;
  }

  async function waitForPod(namespace: string, name: string, until: (pod: V1Pod) => boolean, timeoutMs = 20_000): Promise<V1Pod> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pod = await core.readNamespacedPod({ name, namespace });
      if (until(pod)) return pod;
      if (Date.now() > deadline)
        throw new Error(`pod ${name} never reached the expected state; last status: ${JSON.stringify(pod.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('runs init containers, then containers, with env, Secret files and a shared emptyDir, and reports Succeeded', async () => {
    const namespace = await kube.createNamespace();
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'job-config' }, stringData: { 'config.json': '{"count":3}', token: 's3cr3t' } },
    });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'two-step', labels: { role: 'test' } },
        spec: {
          restartPolicy: 'Never',
          volumes: [
            { name: 'config', emptyDir: {} },
            { name: 'secrets', secret: { secretName: 'job-config', items: [{ key: 'config.json', path: 'connector/config.json' }] } },
          ],
          initContainers: [
            shell('init', 'cp /secrets/connector/config.json /config/config.json && echo "$GREETING from $(POD_NAME)" > /config/hello', {
              env: [
                { name: 'GREETING', value: 'hello' },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              volumeMounts: [
                { name: 'config', mountPath: '/config' },
                { name: 'secrets', mountPath: '/secrets', readOnly: true },
              ],
            }),
          ],
          containers: [
            shell('main', 'cat /config/hello /config/config.json; echo; echo "token=$TOKEN role=$ROLE"', {
              env: [
                { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'job-config', key: 'token' } } },
                { name: 'ROLE', valueFrom: { fieldRef: { fieldPath: "metadata.labels['role']" } } },
              ],
              volumeMounts: [{ name: 'config', mountPath: '/config' }],
            }),
          ],
        },
      },
    });
    const pod = await waitForPod(namespace, 'two-step', (p) => p.status?.phase === 'Succeeded');
    expect(pod.spec?.nodeName).toBe(kubelet.nodeName);
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    expect(pod.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(kubelet.logs(namespace, 'two-step', 'main')).toBe('hello from two-step\n{"count":3}\ntoken=s3cr3t role=test\n');
  });

  it('lets the containers of one pod talk through named pipes in a shared emptyDir (the replication pod shape)', async () => {
    const namespace = await runPod('piped', {
      volumes: [{ name: 'pipes', emptyDir: {} }],
      initContainers: [shell('init', 'mkfifo /pipes/records', { volumeMounts: [{ name: 'pipes', mountPath: '/pipes' }] })],
      containers: [
        shell('source', 'seq 1 5000 > /pipes/records', { volumeMounts: [{ name: 'pipes', mountPath: '/pipes' }] }),
        shell('destination', 'wc -l < /pipes/records', { volumeMounts: [{ name: 'pipes', mountPath: '/pipes' }] }),
      ],
    });
    await waitForPod(namespace, 'piped', (p) => p.status?.phase === 'Succeeded');
    expect(kubelet.logs(namespace, 'piped', 'destination').trim()).toBe('5000');
  });

  it('goes Pending -> Running -> Succeeded, with the container running in between', async () => {
    const namespace = await runPod('slow', { containers: [shell('main', 'sleep 1')] });
    const running = await waitForPod(namespace, 'slow', (p) => p.status?.phase === 'Running');
    expect(running.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBeInstanceOf(Date);
    expect(running.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const done = await waitForPod(namespace, 'slow', (p) => p.status?.phase === 'Succeeded');
    const terminated = done.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated!.finishedAt!.getTime() - terminated!.startedAt!.getTime()).toBeGreaterThanOrEqual(900);
  });

  it('fails the pod when a container exits non-zero, with its exit code and reason Error', async () => {
    const namespace = await runPod('one-fails', { containers: [shell('ok', 'exit 0'), shell('broken', 'echo boom >&2; exit 3')] });
    const pod = await waitForPod(namespace, 'one-fails', (p) => p.status?.phase === 'Failed');
    const byName = Object.fromEntries((pod.status?.containerStatuses ?? []).map((c) => [c.name, c.state?.terminated]));
    expect(byName.ok).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(byName.broken).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(kubelet.logs(namespace, 'one-fails', 'broken')).toBe('boom\n');
  });

  it('a failing init container fails the pod before any container starts', async () => {
    const namespace = await runPod('init-fails', { initContainers: [shell('init', 'exit 7')], containers: [shell('main', 'echo never')] });
    const pod = await waitForPod(namespace, 'init-fails', (p) => p.status?.phase === 'Failed');
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 7, reason: 'Error' });
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    expect(kubelet.logs(namespace, 'init-fails', 'main')).toBe('');
  });

  it('oomKill() terminates a container with OOMKilled and exit code 137', async () => {
    const namespace = await runPod('hungry', { containers: [shell('main', 'sleep 60', { resources: { limits: { memory: '64Mi' } } })] });
    await waitForPod(namespace, 'hungry', (p) => p.status?.phase === 'Running');
    kubelet.oomKill(namespace, 'hungry', 'main');
    const pod = await waitForPod(namespace, 'hungry', (p) => p.status?.phase === 'Failed');
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('keeps an unschedulable pod Pending with the scheduler condition, and runs nothing', async () => {
    const namespace = await runPod('too-big', { containers: [shell('main', 'echo ran')] }, { unschedulable: 'yes' });
    const pod = await waitForPod(namespace, 'too-big', (p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled') ?? false);
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: '0/1 nodes are available: 1 Insufficient memory.',
    });
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(kubelet.logs(namespace, 'too-big', 'main')).toBe('');
  });

  it('reports ImagePullBackOff for an image it does not know, and stays Pending', async () => {
    const namespace = await runPod('no-image', { containers: [{ name: 'main', image: 'nobody/nothing:1' }] });
    const pod = await waitForPod(
      namespace,
      'no-image',
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
    );
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.message).toContain('nobody/nothing:1');
  });

  it('deleting a running pod sends SIGTERM to its containers, then the pod is gone', async () => {
    const namespace = await runPod('long-running', {
      terminationGracePeriodSeconds: 10,
      containers: [shell('main', "trap 'echo got SIGTERM; exit 0' TERM; echo started; while true; do sleep 0.1; done")],
    });
    await waitForPod(namespace, 'long-running', (p) => p.status?.phase === 'Running');
    const deletedAt = Date.now();
    await core.deleteNamespacedPod({ name: 'long-running', namespace });
    // bound to a node, the pod waits for its kubelet to confirm the deletion
    for (;;) {
      const pods = await core.listNamespacedPod({ namespace });
      if (pods.items.length === 0) break;
      expect(Date.now() - deletedAt).toBeLessThan(8000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // (the shell may also report its `sleep` child as Terminated)
    expect(kubelet.logs(namespace, 'long-running', 'main')).toMatch(/^started\n(Terminated\n)?got SIGTERM\n$/);
  });

  it('runs a real connector from an Airbyte-style image through $AIRBYTE_ENTRYPOINT', async () => {
    expect(existsSync(sourceSample), `${sourceSample} is missing: build first (npx tsc -b tsconfig.build.json)`).toBe(true);
    const namespace = await runPod('sample-spec', {
      volumes: [{ name: 'out', emptyDir: {} }],
      containers: [
        {
          name: 'spec',
          image: 'tributary/source-sample:0.1.0',
          command: ['sh', '-c', 'eval "$AIRBYTE_ENTRYPOINT" spec > /out/spec.jsonl && wc -l < /out/spec.jsonl'],
          volumeMounts: [{ name: 'out', mountPath: '/out' }],
        },
        { name: 'default-entrypoint', image: 'tributary/source-sample:0.1.0', args: ['spec'] },
      ],
    });
    await waitForPod(namespace, 'sample-spec', (p) => p.status?.phase === 'Succeeded');
    expect(kubelet.logs(namespace, 'sample-spec', 'spec').trim()).toBe('1');
    const message = JSON.parse(kubelet.logs(namespace, 'sample-spec', 'default-entrypoint').trim().split('\n').at(-1)!) as { type: string };
    expect(message.type).toBe('SPEC');
  });

  it('is a Node: pods/log through the API server reaches its container logs, whole, tailed and followed', async () => {
    const node = await core.readNode({ name: kubelet.nodeName });
    expect(node.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBeGreaterThan(0);

    const namespace = await runPod('logged', { containers: [shell('main', 'echo one; echo two >&2; sleep 1; echo three')] });
    await waitForPod(namespace, 'logged', (p) => p.status?.phase === 'Running');
    // followed: the stream stays open until the container exits
    const followed = new Log(kube.kubeConfig);
    const chunks: string[] = [];
    const out = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const ended = new Promise((resolve) => out.on('end', resolve));
    await followed.log(namespace, 'logged', 'main', out, { follow: true });
    await ended;
    expect(chunks.join('')).toBe('one\ntwo\nthree\n');

    await waitForPod(namespace, 'logged', (p) => p.status?.phase === 'Succeeded');
    expect(await core.readNamespacedPodLog({ name: 'logged', namespace, container: 'main' })).toBe('one\ntwo\nthree\n');
    expect(await core.readNamespacedPodLog({ name: 'logged', namespace, container: 'main', tailLines: 1 })).toBe('three\n');
    await expect(core.readNamespacedPodLog({ name: 'logged', namespace, container: 'other' })).rejects.toThrow(/other/);
  });
});
