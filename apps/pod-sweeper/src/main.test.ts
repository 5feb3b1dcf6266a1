import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobPodLabels } from '@tributary/domain';
import { freePort, promSample } from '@tributary/testing';
import { KUBERNETES_START_TIMEOUT_MS, startTestKubernetes, type TestKubernetes } from '@tributary/testing/kubernetes';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = '';
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('pod-sweeper main (compiled)', () => {
  let kube: TestKubernetes;
  beforeAll(async () => {
    expect(existsSync(main), `${main} is missing: build first (npx tsc -b tsconfig.build.json)`).toBe(true);
    kube = await startTestKubernetes();
  }, KUBERNETES_START_TIMEOUT_MS);
  afterAll(() => kube?.stop());

  it('names every bad variable and exits 2', async () => {
    const { exited, output } = run({ TRIBUTARY_POD_SWEEPER_INTERVAL_MINUTES: '0', TRIBUTARY_KUBERNETES_NAMESPACE: 'Not A Namespace' });
    expect(await exited).toBe(2);
    expect(output()).toMatch(/TRIBUTARY_POD_SWEEPER_INTERVAL_MINUTES: must be a positive number of minutes/);
    expect(output()).toMatch(/TRIBUTARY_KUBERNETES_NAMESPACE: must be a Kubernetes namespace name/);
  });

  it('sweeps with the kubeconfig it is given, answers /livez, /readyz and /metrics, and stops cleanly on SIGTERM', async () => {
    const namespace = await kube.createNamespace();
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'old', labels: jobPodLabels({ jobType: 'check', jobId: 'j9', attempt: 1 }) },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    const finishedAt = new Date(Date.now() - 30 * 60_000);
    await core.replaceNamespacedPodStatus({
      name: 'old',
      namespace,
      body: {
        ...created,
        status: {
          phase: 'Failed',
          containerStatuses: [
            { name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, finishedAt } } },
          ],
        },
      },
    });
    const port = await freePort();
    const sweeper = run({
      KUBECONFIG: kube.kubeconfigPath,
      TRIBUTARY_KUBERNETES_NAMESPACE: namespace,
      TRIBUTARY_POD_SWEEPER_FAILED_TTL_MINUTES: '20',
      TRIBUTARY_METRICS_HOST: '127.0.0.1',
      TRIBUTARY_METRICS_PORT: String(port),
    });
    await waitFor(async () => (await core.listNamespacedPod({ namespace })).items.length === 0);
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const labels = { service: 'pod-sweeper' };
    expect(promSample(metrics, 'tributary_pod_sweeper_deleted_pods_total', { ...labels, phase: 'failed' })).toBe(1);
    expect(promSample(metrics, 'tributary_pod_sweeper_deleted_pods_total', { ...labels, phase: 'succeeded' })).toBe(0);
    expect(promSample(metrics, 'tributary_pod_sweeper_cycles_total', labels)).toBeGreaterThanOrEqual(1);
    sweeper.child.kill('SIGTERM');
    expect(await sweeper.exited).toBe(0);
    const lines = sweeper
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; deletedFailed?: number });
    expect(lines[0]?.msg).toMatch(/metrics and probes on/);
    expect(lines.find((l) => l.msg === 'sweep cycle done')?.deletedFailed).toBe(1);
    expect(lines.at(-1)?.msg).toBe('pod sweeper stopped');
  });
});
