// Syncs in Kubernetes: the worker (TRIBUTARY_LAUNCHER=kubernetes) runs each attempt as a
// replication pod on a real kube-apiserver; the fake kubelet plays the node (each container's
// command as a local process, images mapped to local runtimes) and the orchestrator reports
// through the real Config API. Checks and discovers run as one-connector pods.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtinEntrypoint } from '@tributary/connectors';
import { ATTEMPT_LABEL, CONNECTION_ID_LABEL, JOB_ID_LABEL, JOB_POD_LABEL, JOB_POD_LABEL_VALUE, JOB_TYPE_LABEL } from '@tributary/domain';
import { RUNNER_INPUT_KEY, resolvePypiRuntime } from '@tributary/launcher';
import type { ReplicationPodInput } from '@tributary/replication';
import { connectorInstallDir, repoRoot, waitFor } from '@tributary/testing';
import {
  FakeKubelet,
  KUBERNETES_START_TIMEOUT_MS,
  startTestKubernetes,
  type ImageRuntime,
  type TestKubernetes,
} from '@tributary/testing/kubernetes';
import {
  createConnection,
  createPostgresDestination,
  createSource,
  discover,
  finishedJob,
  getJob,
  ok,
  startE2eStack,
  startJob,
  syncAndWait,
  type E2eStack,
} from '@tributary/testing/stack';
import { join } from 'node:path';
import pg from 'pg';

const MEMORY_LIMIT = '300Mi';

function builtinImage(name: string): ImageRuntime {
  return { env: { AIRBYTE_ENTRYPOINT: `${process.execPath} ${builtinEntrypoint(name)!}` } };
}

describe('syncs as replication pods on a real kube-apiserver', () => {
  let kube: TestKubernetes;
  let core: CoreV1Api;
  let namespace: string;
  let kubelet: FakeKubelet;
  let stack: E2eStack;
  /** this connection's pods stay unscheduled */
  let unschedulableConnection: string | undefined;

  beforeAll(async () => {
    const faker = await resolvePypiRuntime(
      { package: 'airbyte-source-faker', version: '7.2.1', entrypoint: 'source-faker' },
      { installDir: connectorInstallDir() },
    );
    kube = await startTestKubernetes();
    core = kube.kubeConfig.makeApiClient(CoreV1Api);
    namespace = await kube.createNamespace();
    kubelet = new FakeKubelet({
      kubeConfig: kube.kubeConfig,
      namespace,
      tls: kube.kubeletTls,
      images: {
        'tributary/orchestrator': { entrypoint: [process.execPath, join(repoRoot, 'apps/orchestrator/dist/main.js')] },
        'tributary/source-sample': builtinImage('source-sample'),
        'tributary/destination-postgres': builtinImage('destination-postgres'),
        'airbyte/source-faker': { env: { AIRBYTE_ENTRYPOINT: faker.command } },
      },
      unschedulable: (pod) =>
        unschedulableConnection && pod.metadata?.labels?.[CONNECTION_ID_LABEL] === unschedulableConnection
          ? '0/1 nodes are available: 1 Insufficient memory.'
          : undefined,
    });
    await kubelet.start();
    stack = await startE2eStack('kubernetes', {
      env: (baseUrl) => ({
        TRIBUTARY_LAUNCHER: 'kubernetes',
        KUBECONFIG: kube.kubeconfigPath,
        TRIBUTARY_KUBERNETES_NAMESPACE: namespace,
        TRIBUTARY_KUBERNETES_API_URL: baseUrl,
        TRIBUTARY_ORCHESTRATOR_IMAGE: 'tributary/orchestrator:test',
        TRIBUTARY_KUBERNETES_RESOURCES: JSON.stringify({ default: { memoryRequest: '64Mi' }, sync: { memoryLimit: MEMORY_LIMIT } }),
        TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS: '3000',
        TRIBUTARY_JOB_HEARTBEAT_TIMEOUT_MS: '5000',
        TRIBUTARY_JOB_BACKOFF_INITIAL_MS: '100',
        TRIBUTARY_JOB_BACKOFF_MAX_MS: '200',
      }),
    });
  }, KUBERNETES_START_TIMEOUT_MS);
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(stack?.diagnostics());
  });
  afterAll(async () => {
    await stack?.stop();
    await kubelet?.stop();
    await kube?.stop();
  });

  const podOf = (jobId: string, attempt = 1) => `replication-job-${jobId}-attempt-${attempt}`;
  const readPod = (name: string) => core.readNamespacedPod({ name, namespace });
  const secretExists = (name: string) =>
    core.readNamespacedSecret({ name, namespace }).then(
      () => true,
      (err: { code?: number }) => (err.code === 404 ? false : Promise.reject(err)),
    );
  const rows = async (table: string, schema: string) => {
    const client = new pg.Client({ connectionString: stack.db.url });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}"`)).rows[0]!.n);
    } finally {
      await client.end();
    }
  };

  /** a connection of its own, into the schema `kube_<name>` */
  async function sampleConnection(name: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const sourceId = await createSource(stack, 'source-sample', name, { streams: ['users'], ...config });
    const destinationId = await createPostgresDestination(stack, stack.db.connection, `kube_${name}`);
    await discover(stack, sourceId);
    return createConnection(stack, sourceId, destinationId, [{ name: 'users', syncMode: 'full_refresh_overwrite' }], extra);
  }

  /** Starts a sync and waits until its first attempt has committed records. */
  async function startFlowingJob(connectionId: string): Promise<string> {
    const jobId = await startJob(stack, connectionId);
    await waitFor(
      'records to flow',
      async () => ((await getJob(stack, jobId)).attempts[0]?.stats?.recordsCommitted ?? 0) > 0 || undefined,
      120_000,
    );
    return jobId;
  }

  async function firstAttemptFailed(jobId: string) {
    return waitFor(
      'the first attempt to fail',
      async () => {
        const first = (await getJob(stack, jobId)).attempts[0];
        return first && first.status === 'failed' ? first : undefined;
      },
      120_000,
    );
  }

  it('moves every record through the pod into PostgreSQL; the pod is labelled, holds no platform secret and its Secret is gone after', async () => {
    const connectionId = await sampleConnection(
      'sample',
      { count: 5000, records_per_state: 1000 },
      {
        resourceRequirements: { memoryLimit: '200Mi' },
      },
    );
    const job = await syncAndWait(stack, connectionId);
    expect(job.attempts).toHaveLength(1);
    expect(job.attempts[0]!.stats).toMatchObject({ recordsCommitted: 5000 });
    expect(await rows('users', 'kube_sample')).toBe(5000);

    const pod = await readPod(podOf(job.id));
    expect(pod.metadata?.labels).toMatchObject({
      [JOB_POD_LABEL]: JOB_POD_LABEL_VALUE,
      [JOB_TYPE_LABEL]: 'sync',
      [JOB_ID_LABEL]: job.id,
      [ATTEMPT_LABEL]: '1',
      [CONNECTION_ID_LABEL]: connectionId,
    });
    expect(pod.spec?.restartPolicy).toBe('Never');
    expect(pod.spec?.initContainers?.map((c) => c.name)).toEqual(['init']);
    const containers = Object.fromEntries((pod.spec?.containers ?? []).map((c) => [c.name, c]));
    expect(Object.keys(containers)).toEqual(['source', 'destination', 'orchestrator']);
    // the connection's own limit first, then the sync default; the orchestrator has the job type's
    expect(containers.source!.resources).toEqual({ requests: { memory: '64Mi' }, limits: { memory: '200Mi' } });
    expect(containers.orchestrator!.resources).toEqual({ requests: { memory: '64Mi' }, limits: { memory: MEMORY_LIMIT } });
    // the Secret reaches the orchestrator only, never a connector; no platform credential anywhere
    for (const name of ['source', 'destination']) expect(containers[name]!.volumeMounts?.map((m) => m.name)).toEqual(['shared']);
    const everything = JSON.stringify(pod.spec);
    for (const secret of ['DATABASE_URL', 'TRIBUTARY_SECRET_KEY', stack.token, 'postgres://']) expect(everything).not.toContain(secret);
    expect(pod.status?.phase).toBe('Succeeded');
    await waitFor('the Secret to be deleted', async () => ((await secretExists(podOf(job.id))) ? undefined : true), 10_000);
  });

  it('syncs a real PyPI connector (source-faker) through a pod', async () => {
    const sourceId = await createSource(stack, 'source-faker', 'faker', {
      count: 200,
      seed: 3,
      records_per_slice: 100,
      always_updated: false,
    });
    const destinationId = await createPostgresDestination(stack, stack.db.connection, 'kube_faker');
    await discover(stack, sourceId);
    const connectionId = await createConnection(stack, sourceId, destinationId, [{ name: 'users', syncMode: 'full_refresh_overwrite' }]);
    const job = await syncAndWait(stack, connectionId);
    expect(job.attempts[0]!.stats).toMatchObject({ recordsCommitted: 200 });
    expect(await rows('users', 'kube_faker')).toBe(200);
    expect((await readPod(podOf(job.id))).spec?.containers.find((c) => c.name === 'source')?.image).toBe('airbyte/source-faker:7.2.1');
  });

  it('a cancel deletes the running pod and its Secret; the job is cancelled', async () => {
    const connectionId = await sampleConnection('slow', {
      count: 1_000_000,
      records_per_state: 100,
      records_per_batch: 100,
      sleep_ms_per_batch: 50,
    });
    const jobId = await startFlowingJob(connectionId);
    // the worker's spill file setting (TRIBUTARY_SPILL_MAX_MIB, default 128) reaches the pod's orchestrator
    const secret = await core.readNamespacedSecret({ name: podOf(jobId), namespace });
    const podInput = JSON.parse(Buffer.from(secret.data![RUNNER_INPUT_KEY]!, 'base64').toString()) as ReplicationPodInput;
    expect(podInput.options).toEqual({ spillMaxBytes: 128 * 1024 * 1024 });
    await ok(stack, 'POST', `/api/v1/jobs/${jobId}/cancel`, {}, [202]);
    const job = await finishedJob(stack, jobId);
    expect(job.status).toBe('cancelled');
    // well within the pod's 30 s grace period: every container ends on the SIGTERM, none waits for the SIGKILL
    await waitFor(
      'the pod to be deleted',
      async () =>
        (await readPod(podOf(jobId)).then(
          () => false,
          () => true,
        )) || undefined,
      10_000,
    );
    expect(await secretExists(podOf(jobId))).toBe(false);
  });

  it('a worker killed mid-sync: the next worker picks the same pod up, nothing runs twice, the job succeeds in one attempt', async () => {
    const connectionId = await sampleConnection('reattach', {
      count: 3000,
      records_per_state: 100,
      records_per_batch: 100,
      sleep_ms_per_batch: 30,
    });
    const jobId = await startFlowingJob(connectionId);
    const podUid = (await readPod(podOf(jobId))).metadata?.uid;
    stack.worker.child.kill('SIGKILL');
    await stack.worker.exited;
    await stack.startWorker();
    const job = await finishedJob(stack, jobId);
    expect(job.status, JSON.stringify(job.attempts.map((a) => a.failureReasons))).toBe('succeeded');
    expect(job.attempts).toHaveLength(1);
    expect((await readPod(podOf(jobId))).metadata?.uid).toBe(podUid);
    expect(
      await readPod(podOf(jobId, 2)).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
    expect(await rows('users', 'kube_reattach')).toBe(3000);
  });

  it('a destination killed for memory fails the attempt with "out of memory" and its limit', async () => {
    const connectionId = await sampleConnection('oom', {
      count: 1_000_000,
      records_per_state: 100,
      records_per_batch: 100,
      sleep_ms_per_batch: 50,
    });
    const jobId = await startFlowingJob(connectionId);
    kubelet.oomKill(namespace, podOf(jobId), 'destination');
    const attempt = await firstAttemptFailed(jobId);
    expect(attempt.failureReasons[0]).toMatchObject({ origin: 'destination' });
    expect(attempt.failureReasons[0]!.message).toContain('out of memory');
    expect(attempt.failureReasons[0]!.message).toContain(MEMORY_LIMIT);
    await ok(stack, 'POST', `/api/v1/jobs/${jobId}/cancel`, {}, [202, 409]);
    await finishedJob(stack, jobId);
  });

  it("a replication pod deleted behind the worker's back fails its attempt with that reason", async () => {
    const connectionId = await sampleConnection('vanished', {
      count: 1_000_000,
      records_per_state: 100,
      records_per_batch: 100,
      sleep_ms_per_batch: 50,
    });
    const jobId = await startFlowingJob(connectionId);
    await core.deleteNamespacedPod({ name: podOf(jobId), namespace });
    const attempt = await firstAttemptFailed(jobId);
    expect(attempt.failureReasons[0]!.message).toContain(`pod ${podOf(jobId)}: the pod was deleted before it finished`);
    // what it committed before stays committed
    expect(attempt.stats?.recordsCommitted ?? 0).toBeGreaterThan(0);
    await waitFor('the Secret to be deleted', async () => ((await secretExists(podOf(jobId))) ? undefined : true), 10_000);
    await ok(stack, 'POST', `/api/v1/jobs/${jobId}/cancel`, {}, [202, 409]);
    await finishedJob(stack, jobId);
  });

  it("a pod that cannot be scheduled fails its attempt with the scheduler's reason, never a success", async () => {
    const connectionId = await sampleConnection('unschedulable', { count: 100 });
    unschedulableConnection = connectionId;
    const jobId = await startJob(stack, connectionId);
    try {
      const attempt = await firstAttemptFailed(jobId);
      expect(attempt.failureReasons[0]!.message).toContain('Insufficient memory');
    } finally {
      unschedulableConnection = undefined;
    }
    const job = await finishedJob(stack, jobId);
    // the next attempt was scheduled and ran
    expect(job.status).toBe('succeeded');
    expect(job.attempts.length).toBeGreaterThan(1);
  });
});
