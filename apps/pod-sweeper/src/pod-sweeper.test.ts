import { Writable } from 'node:stream';
import { CoreV1Api, type V1Pod, type V1PodStatus } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@tributary/config';
import { jobPodLabels } from '@tributary/domain';
import { KUBERNETES_START_TIMEOUT_MS, startTestKubernetes, type TestKubernetes } from '@tributary/testing/kubernetes';
import { PodSweeper, finishedAtOf, type Clock } from './pod-sweeper.js';

const MINUTE = 60_000;
// pod timestamps have whole seconds: a whole-second "now" keeps the TTL boundaries exact
const NOW = new Date('2026-12-03T12:00:00Z');
const fixedClock: Clock = { now: () => NOW };
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE);

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'pod-sweeper', level: 'info', destination }) };
}

/** A job pod, its status then written the way a kubelet writes it. */
async function createPod(
  core: CoreV1Api,
  namespace: string,
  name: string,
  status: V1PodStatus,
  labels = jobPodLabels({ jobType: 'sync', jobId: name, attempt: 1, connectionId: 'c-1' }),
): Promise<V1Pod> {
  const created = await core.createNamespacedPod({
    namespace,
    body: { metadata: { name, labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
  });
  return core.replaceNamespacedPodStatus({ name, namespace, body: { ...created, status } });
}

const terminated = (phase: 'Succeeded' | 'Failed', finishedAt: Date): V1PodStatus => ({
  phase,
  startTime: new Date(finishedAt.getTime() - MINUTE),
  containerStatuses: [
    {
      name: 'main',
      image: 'busybox',
      imageID: '',
      ready: false,
      restartCount: 0,
      state: {
        terminated: {
          exitCode: phase === 'Succeeded' ? 0 : 1,
          reason: phase === 'Succeeded' ? 'Completed' : 'Error',
          startedAt: new Date(finishedAt.getTime() - MINUTE),
          finishedAt,
        },
      },
    },
  ],
});
const running = (startTime: Date): V1PodStatus => ({ phase: 'Running', startTime });

async function podNames(core: CoreV1Api, namespace: string): Promise<string[]> {
  return (await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.name ?? '').sort();
}

describe('pod sweeper against a real kube-apiserver', () => {
  let kube: TestKubernetes;
  let core: CoreV1Api;
  beforeAll(async () => {
    kube = await startTestKubernetes();
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
  }, KUBERNETES_START_TIMEOUT_MS);
  afterAll(() => kube?.stop());

  const sweeper = (
    namespace: string,
    options: { pageSize?: number; logger?: ReturnType<typeof logCapture>['logger']; clock?: Clock; intervalMs?: number } = {},
  ) =>
    new PodSweeper({
      pods: core,
      logger: options.logger ?? logCapture().logger,
      clock: options.clock ?? fixedClock,
      namespace,
      intervalMs: options.intervalMs ?? MINUTE,
      succeededTtlMs: 10 * MINUTE,
      failedTtlMs: 120 * MINUTE,
      pageSize: options.pageSize,
    });

  it('deletes succeeded pods past 10 min and failed or unknown ones past 120 min, never running, pending or unlabelled pods', async () => {
    const namespace = await kube.createNamespace();
    const other = await kube.createNamespace();
    await createPod(core, namespace, 'succeeded-old', terminated('Succeeded', ago(10 + 1 / 60)));
    await createPod(core, namespace, 'succeeded-at-ttl', terminated('Succeeded', ago(10)));
    await createPod(core, namespace, 'succeeded-young', terminated('Succeeded', ago(9)));
    await createPod(core, namespace, 'failed-old', terminated('Failed', ago(121)));
    await createPod(core, namespace, 'failed-young', terminated('Failed', ago(119)));
    // failed before a container ran (e.g. evicted): only its conditions say when
    await createPod(core, namespace, 'unknown-old', {
      phase: 'Unknown',
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: ago(200) }],
    });
    await createPod(core, namespace, 'running-for-days', running(ago(5000)));
    await createPod(core, namespace, 'pending-for-days', {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: ago(5000) }],
    });
    await createPod(core, namespace, 'not-a-job-pod', terminated('Succeeded', ago(500)), { app: 'something-else' });
    await createPod(core, other, 'job-pod-elsewhere', terminated('Succeeded', ago(500)));

    const { lines, logger } = logCapture();
    const counts = await sweeper(namespace, { logger }).sweepOnce();

    expect(await podNames(core, namespace)).toEqual([
      'failed-young',
      'not-a-job-pod',
      'pending-for-days',
      'running-for-days',
      'succeeded-at-ttl',
      'succeeded-young',
    ]);
    expect(await podNames(core, other)).toEqual(['job-pod-elsewhere']);
    expect(counts).toEqual({ listed: 8, deletedSucceeded: 1, deletedFailed: 2, keptYoung: 3, keptActive: 2, terminating: 0, errors: 0 });
    expect(
      lines
        .filter((l) => l.msg === 'deleted job pod')
        .map((l) => l.pod)
        .sort(),
    ).toEqual(['failed-old', 'succeeded-old', 'unknown-old']);
    expect(lines.find((l) => l.msg === 'sweep cycle done')).toMatchObject({
      cycle: 1,
      listed: 8,
      deletedSucceeded: 1,
      deletedFailed: 2,
      errors: 0,
    });
  });

  it('pages through more job pods than one list request returns', async () => {
    const namespace = await kube.createNamespace();
    for (let i = 0; i < 7; i++) await createPod(core, namespace, `old-${i}`, terminated('Succeeded', ago(60)));
    await createPod(core, namespace, 'young', terminated('Succeeded', ago(1)));
    const requests: (string | undefined)[] = [];
    const counting = new Proxy(core, {
      get: (target, key, receiver) =>
        key === 'listNamespacedPod'
          ? (param: Parameters<CoreV1Api['listNamespacedPod']>[0]) => (requests.push(param._continue), target.listNamespacedPod(param))
          : Reflect.get(target, key, receiver),
    });
    const counts = await new PodSweeper({
      pods: counting,
      logger: logCapture().logger,
      clock: fixedClock,
      namespace,
      intervalMs: MINUTE,
      succeededTtlMs: 10 * MINUTE,
      failedTtlMs: 120 * MINUTE,
      pageSize: 3,
    }).sweepOnce();
    expect(requests).toHaveLength(3);
    expect(requests[0]).toBeUndefined();
    expect(counts).toMatchObject({ listed: 8, deletedSucceeded: 7, keptYoung: 1 });
    expect(await podNames(core, namespace)).toEqual(['young']);
  });

  it('leaves a pod that is already terminating alone and deletes nothing twice', async () => {
    const namespace = await kube.createNamespace();
    const pod = await createPod(core, namespace, 'held-by-finalizer', terminated('Failed', ago(500)));
    // a finalizer keeps the deleted pod visible with its deletionTimestamp
    await core.replaceNamespacedPod({
      name: 'held-by-finalizer',
      namespace,
      body: { ...pod, metadata: { ...pod.metadata, finalizers: ['tributary.test/hold'] } },
    });
    await core.deleteNamespacedPod({ name: 'held-by-finalizer', namespace });
    const counts = await sweeper(namespace).sweepOnce();
    expect(counts).toMatchObject({ listed: 1, terminating: 1, deletedFailed: 0, errors: 0 });
    const held = await core.readNamespacedPod({ name: 'held-by-finalizer', namespace });
    await core.replaceNamespacedPod({
      name: 'held-by-finalizer',
      namespace,
      body: { ...held, metadata: { ...held.metadata, finalizers: [] } },
    });
  });

  it('cycles every interval from start() until stop(), which waits for the cycle in flight, and logs both', async () => {
    const namespace = await kube.createNamespace();
    await createPod(core, namespace, 'first', terminated('Succeeded', ago(60)));
    const { lines, logger } = logCapture();
    const loop = sweeper(namespace, { logger, clock: systemClockAt(NOW), intervalMs: 200 });
    loop.start();
    await waitFor(async () => (await podNames(core, namespace)).length === 0);
    // created after the first cycle: only a later cycle can delete it
    await createPod(core, namespace, 'second', terminated('Succeeded', ago(60)));
    await waitFor(async () => (await podNames(core, namespace)).length === 0);
    expect(loop.isHealthy()).toBe(true);
    await loop.stop();
    expect(loop.isHealthy()).toBe(false);
    const messages = lines.map((l) => l.msg);
    expect(messages[0]).toBe('pod sweeper started');
    expect(messages.at(-1)).toBe('pod sweeper stopped');
    const cyclesAtStop = lines.filter((l) => l.msg === 'sweep cycle done').length;
    expect(cyclesAtStop).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(lines.filter((l) => l.msg === 'sweep cycle done')).toHaveLength(cyclesAtStop);
  });

  it('logs a failed cycle and keeps cycling (the API server unreachable, then back)', async () => {
    const namespace = await kube.createNamespace();
    let failing = true;
    const flaky = new Proxy(core, {
      get: (target, key, receiver) =>
        key === 'listNamespacedPod'
          ? (param: Parameters<CoreV1Api['listNamespacedPod']>[0]) =>
              failing ? Promise.reject(new Error('connect ECONNREFUSED')) : target.listNamespacedPod(param)
          : Reflect.get(target, key, receiver),
    });
    await createPod(core, namespace, 'old', terminated('Succeeded', ago(60)));
    const { lines, logger } = logCapture();
    const loop = new PodSweeper({
      pods: flaky,
      logger,
      clock: systemClockAt(NOW),
      namespace,
      intervalMs: 100,
      succeededTtlMs: 10 * MINUTE,
      failedTtlMs: 120 * MINUTE,
    });
    loop.start();
    await waitFor(async () => lines.some((l) => l.msg === 'sweep cycle failed: connect ECONNREFUSED'));
    failing = false;
    await waitFor(async () => (await podNames(core, namespace)).length === 0);
    await loop.stop();
    expect(loop.totals()).toMatchObject({ deletedSucceeded: 1, deletedFailed: 0, deleteErrors: 0 });
    expect(loop.totals().failedCycles).toBeGreaterThanOrEqual(1);
  });
});

describe('finishedAtOf', () => {
  it('takes the last container termination, else the last condition change, else the start', () => {
    const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    const container = (finishedAt: Date) => ({
      name: 'c',
      image: 'i',
      imageID: '',
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode: 0, finishedAt } },
    });
    expect(
      finishedAtOf({
        status: {
          startTime: t(1),
          containerStatuses: [container(t(5)), container(t(7))],
          initContainerStatuses: [container(t(3))],
          conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: t(9) }],
        },
      }),
    ).toEqual(t(7));
    expect(
      finishedAtOf({
        status: {
          startTime: t(1),
          conditions: [
            { type: 'PodScheduled', status: 'True', lastTransitionTime: t(2) },
            { type: 'Ready', status: 'False', lastTransitionTime: t(4) },
          ],
        },
      }),
    ).toEqual(t(4));
    expect(finishedAtOf({ status: { startTime: t(1) } })).toEqual(t(1));
    expect(finishedAtOf({ metadata: { creationTimestamp: t(0) } })).toEqual(t(0));
  });
});

/** A clock that runs from `start` at real speed: cycles in real time, pod ages relative to NOW. */
function systemClockAt(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
