/**
 * The Helm chart against Helm 4 (tools/ensure-helm.sh) and a real kube-apiserver: lint, render
 * each shipped values file, and have the API server validate every manifest (server-side apply,
 * dry run). The RBAC the chart grants is then installed for real and exercised with tokens of
 * the chart's own service accounts.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  loadAllYaml,
  loadYaml,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Deployment,
  type V1Ingress,
  type V1Job,
  type V1Secret,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootloaderEnvSchema,
  createLogger,
  kubernetesLauncherEnvSchema,
  cronEnvSchema,
  loadConfig,
  parseSecretKey,
  podSweeperEnvSchema,
  serverEnvSchema,
  webappEnvSchema,
  workerEnvSchema,
} from '@tributary/config';
import { jobPodLabels } from '@tributary/domain';
import { PodSweeper } from '@tributary/pod-sweeper';
import { KUBERNETES_START_TIMEOUT_MS, startTestKubernetes, type TestKubernetes } from '@tributary/testing/kubernetes';

const run = promisify(execFile);
const chart = fileURLToPath(new URL('./tributary', import.meta.url));
const ensureHelm = fileURLToPath(new URL('../tools/ensure-helm.sh', import.meta.url));
const RELEASE = 'rel';

/** Every values file the chart ships; undefined: the defaults. */
const VALUES_FILES = [
  undefined,
  'ci/external-db-values.yaml',
  'ci/ingress-values.yaml',
  'ci/kubernetes-launcher-values.yaml',
  '../../k3d/values.yaml',
];

describe('Helm chart charts/tributary', () => {
  let kube: TestKubernetes;
  let helm: string;
  let objects: KubernetesObjectApi;
  beforeAll(async () => {
    // both may be built on first use: helm (a few minutes), kube-apiserver (about 8)
    const { stdout } = await run('bash', [ensureHelm], { maxBuffer: 64 * 1024 * 1024, timeout: KUBERNETES_START_TIMEOUT_MS });
    helm = stdout.trim().split('\n').pop()!;
    kube = await startTestKubernetes();
    objects = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
  }, 2 * KUBERNETES_START_TIMEOUT_MS);
  afterAll(() => kube?.stop());

  const valuesArgs = (file: string | undefined) => (file ? ['-f', `${chart}/${file}`] : []);
  async function render(file: string | undefined, namespace: string, extra: string[] = []): Promise<KubernetesObject[]> {
    const { stdout } = await run(helm, ['template', RELEASE, chart, '--namespace', namespace, ...valuesArgs(file), ...extra], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return loadAllYaml(stdout).filter(Boolean) as KubernetesObject[];
  }
  /** Server-side apply; `dryRun` makes the API server validate and admit without storing. */
  async function apply(manifests: KubernetesObject[], namespace: string, dryRun: boolean): Promise<void> {
    for (const manifest of manifests) {
      const object = { ...manifest, metadata: { ...manifest.metadata, namespace: manifest.metadata?.namespace ?? namespace } };
      await objects
        .patch(object, undefined, dryRun ? 'All' : undefined, 'tributary-chart-test', true, PatchStrategy.ServerSideApply)
        .catch((error: unknown) => {
          throw new Error(`${manifest.kind} ${manifest.metadata?.name}: ${(error as { body?: string }).body ?? String(error)}`);
        });
    }
  }

  it('runs the pinned Helm 4', async () => {
    expect((await run(helm, ['version', '--short'])).stdout.trim()).toBe('v4.3.2');
  });

  it.each(VALUES_FILES.map((file) => [file ?? 'defaults', file]))('passes helm lint --strict with %s', async (_name, file) => {
    const { stdout } = await run(helm, ['lint', '--strict', chart, ...valuesArgs(file)]);
    expect(stdout).toContain('0 chart(s) failed');
  });

  it.each(VALUES_FILES.map((file) => [file ?? 'defaults', file]))(
    'renders %s into manifests the API server accepts (server-side dry run)',
    async (_name, file) => {
      const namespace = await kube.createNamespace();
      const manifests = await render(file, namespace);
      // the jobs namespace is the operator's to create
      const jobsNamespaces = new Set(manifests.map((m) => m.metadata?.namespace).filter((n): n is string => !!n && n !== namespace));
      for (const jobs of jobsNamespaces) await kube.createNamespace(jobs).catch(() => undefined);
      await apply(manifests, namespace, true);

      const kinds = manifests.map((m) => `${m.kind}/${m.metadata?.name}`);
      expect(kinds).toEqual(
        expect.arrayContaining([
          `Deployment/${RELEASE}-tributary-server`,
          `Deployment/${RELEASE}-tributary-worker`,
          `Deployment/${RELEASE}-tributary-pod-sweeper`,
          `Deployment/${RELEASE}-tributary-cron`,
          `Deployment/${RELEASE}-tributary-webapp`,
          `Job/${RELEASE}-tributary-bootloader`,
          `Service/${RELEASE}-tributary-server`,
          `Service/${RELEASE}-tributary-webapp`,
          `ConfigMap/${RELEASE}-tributary-env`,
        ]),
      );
      expect(kinds.includes(`Ingress/${RELEASE}-tributary`)).toBe(file === 'ci/ingress-values.yaml' || file === '../../k3d/values.yaml');
      expect(kinds.includes(`Secret/${RELEASE}-tributary-secrets`)).toBe(file !== 'ci/external-db-values.yaml');
      expect(kinds.includes(`Role/${RELEASE}-tributary-worker`)).toBe(file === 'ci/kubernetes-launcher-values.yaml');

      // the bootloader migrates before anything of the new version starts, with the environment it needs
      const bootloader = manifests.find((m) => m.kind === 'Job') as V1Job;
      expect(bootloader.metadata?.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      for (const kind of ['ConfigMap', 'Secret']) {
        const env = manifests.find((m) => m.kind === kind);
        if (env)
          expect(Number(env.metadata?.annotations?.['helm.sh/hook-weight'])).toBeLessThan(
            Number(bootloader.metadata?.annotations?.['helm.sh/hook-weight']),
          );
      }
      // every workload: not root, no privilege escalation, read-only root, resources set
      for (const workload of manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job') as (V1Deployment | V1Job)[]) {
        const pod = workload.spec!.template.spec!;
        expect(pod.securityContext?.runAsNonRoot, workload.metadata?.name).toBe(true);
        for (const container of pod.containers) {
          expect(container.securityContext, `${workload.metadata?.name}/${container.name}`).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
          });
          expect(container.resources?.requests?.memory, `${workload.metadata?.name}/${container.name}`).toBeDefined();
        }
      }
    },
  );

  it('runs cron and the web UI with probes on their own health endpoints, and routes the UI at / and the API at /api', async () => {
    const manifests = await render('ci/ingress-values.yaml', 'tributary');
    const deployment = (component: string) =>
      manifests.find((m) => m.kind === 'Deployment' && m.metadata?.name === `${RELEASE}-tributary-${component}`) as V1Deployment;
    const cron = deployment('cron').spec!.template.spec!.containers[0]!;
    // cron's ops server: /livez while the process serves, /readyz while it reaches Postgres
    expect(cron.ports).toEqual([{ name: 'ops', containerPort: 9090 }]);
    expect(cron.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'ops' });
    expect(cron.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'ops' });
    const webapp = deployment('webapp').spec!.template.spec!.containers[0]!;
    expect(webapp.ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    expect(webapp.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(webapp.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    // the session cookie is Secure behind TLS; the API's public URL follows the ingress
    const webappEnv = Object.fromEntries((webapp.env ?? []).map((e) => [e.name, e.value]));
    expect(webappEnv).toMatchObject({ TRIBUTARY_SECURE_COOKIES: 'true', TRIBUTARY_PUBLIC_API_URL: 'https://api.tributary.example.com' });

    const ingress = manifests.find((m) => m.kind === 'Ingress') as V1Ingress;
    const routes = ingress.spec!.rules!.flatMap((rule) =>
      rule.http!.paths.map((path) => `${rule.host}${path.path} -> ${path.backend.service!.name}:${path.backend.service!.port!.name}`),
    );
    expect(routes).toEqual([
      `tributary.example.com/ -> ${RELEASE}-tributary-webapp:http`,
      `api.tributary.example.com/api -> ${RELEASE}-tributary-server:http`,
    ]);

    // without the web UI, the host serves the API as before
    const apiOnly = (await render('ci/ingress-values.yaml', 'tributary', ['--set', 'webapp.enabled=false', '--set', 'ingress.apiHost='])).find(
      (m) => m.kind === 'Ingress',
    ) as V1Ingress;
    expect(apiOnly.spec!.rules!.map((rule) => [rule.host, rule.http!.paths.map((p) => `${p.path} -> ${p.backend.service!.name}`)])).toEqual([
      ['tributary.example.com', [`/api -> ${RELEASE}-tributary-server`]],
    ]);
  });

  it('the API server refuses a broken manifest in the same dry run (the check above can fail)', async () => {
    const namespace = await kube.createNamespace();
    const manifests = await render(undefined, namespace);
    const server = structuredClone(
      manifests.find((m) => m.kind === 'Deployment' && m.metadata?.name === `${RELEASE}-tributary-server`),
    ) as V1Deployment;
    server.spec!.template.spec!.containers[0]!.ports = [{ name: 'http', containerPort: 70000 }];
    await expect(apply([server], namespace, true)).rejects.toThrow(/containerPort/);
  });

  it('refuses a wrong value at install through values.schema.json, naming it', async () => {
    const namespace = 'unused';
    await expect(render(undefined, namespace, ['--set', 'config.TRIBUTARY_LAUNCHER=docker'])).rejects.toThrow(/TRIBUTARY_LAUNCHER/);
    await expect(render(undefined, namespace, ['--set', 'secrets.TRIBUTARY_SECRET_KEY=too-short'])).rejects.toThrow(/TRIBUTARY_SECRET_KEY/);
    await expect(render(undefined, namespace, ['--set', 'server.replicas=-1'])).rejects.toThrow(/replicas/);
    await expect(render(undefined, namespace, ['--set', 'config.TRIBUTARY_TRACING=jaeger'])).rejects.toThrow(/TRIBUTARY_TRACING/);
    await expect(render(undefined, namespace, ['--set', 'webapp.replicas=-1'])).rejects.toThrow(/replicas/);
  });

  it('with the kubernetes launcher, tells job pods the orchestrator image and the server’s address unless set, and refuses a bad job pod setting', async () => {
    const configOf = async (extra: string[]) =>
      ((await render('ci/kubernetes-launcher-values.yaml', 'tributary', extra)).find((m) => m.kind === 'ConfigMap') as V1ConfigMap).data ?? {};
    expect(await configOf([])).toMatchObject({
      TRIBUTARY_ORCHESTRATOR_IMAGE: 'tributary/tributary-orchestrator:0.1.0',
      TRIBUTARY_KUBERNETES_API_URL: `http://${RELEASE}-tributary-server.tributary.svc:8000`,
    });
    const own = await configOf(['--set', 'config.TRIBUTARY_ORCHESTRATOR_IMAGE=registry.local/orchestrator:1']);
    expect(own.TRIBUTARY_ORCHESTRATOR_IMAGE).toBe('registry.local/orchestrator:1');
    const processMode = ((await render(undefined, 'tributary')).find((m) => m.kind === 'ConfigMap') as V1ConfigMap).data ?? {};
    expect(processMode.TRIBUTARY_ORCHESTRATOR_IMAGE).toBeUndefined();
    await expect(configOf(['--set', 'config.TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS=soon'])).rejects.toThrow(
      /TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS/,
    );
    await expect(configOf(['--set', 'config.TRIBUTARY_KUBERNETES_RESOURCES=lots'])).rejects.toThrow(/TRIBUTARY_KUBERNETES_RESOURCES/);
  });

  it('leaves command connectors off unless the operator turns them on, and accepts only true or false', async () => {
    const configOf = async (extra: string[]) =>
      ((await render(undefined, 'tributary', extra)).find((m) => m.kind === 'ConfigMap') as V1ConfigMap).data ?? {};
    const env = { DATABASE_URL: 'postgres://u:p@db:5432/tributary', TRIBUTARY_SECRET_KEY: 'ab'.repeat(32) };
    const byDefault = await configOf([]);
    expect(byDefault.TRIBUTARY_ALLOW_COMMAND_CONNECTORS).toBe('false');
    expect(loadConfig(serverEnvSchema, { ...byDefault, ...env }).TRIBUTARY_ALLOW_COMMAND_CONNECTORS).toBe(false);
    const allowed = await configOf(['--set-string', 'config.TRIBUTARY_ALLOW_COMMAND_CONNECTORS=true']);
    expect(loadConfig(serverEnvSchema, { ...allowed, ...env }).TRIBUTARY_ALLOW_COMMAND_CONNECTORS).toBe(true);
    await expect(configOf(['--set-string', 'config.TRIBUTARY_ALLOW_COMMAND_CONNECTORS=yes'])).rejects.toThrow(/TRIBUTARY_ALLOW_COMMAND_CONNECTORS/);
  });

  it('declares every variable of libs/config once in values.yaml', async () => {
    const values = loadYaml<{ config: Record<string, unknown>; secrets: Record<string, unknown> }>(
      await readFile(`${chart}/values.yaml`, 'utf8'),
    );
    const declared = [...Object.keys(values.config), ...Object.keys(values.secrets)];
    // set by the templates: where the server listens in its pod; no kubeconfig in a cluster
    const setByTemplates = ['PORT', 'HOST', 'KUBECONFIG'];
    const read = new Set(
      [serverEnvSchema, workerEnvSchema, bootloaderEnvSchema, podSweeperEnvSchema, cronEnvSchema, webappEnvSchema].flatMap((schema) =>
        Object.keys(schema.shape),
      ),
    );
    // the worker's job pod settings, read when TRIBUTARY_LAUNCHER=kubernetes
    for (const name of Object.keys(kubernetesLauncherEnvSchema.shape)) read.add(name);
    expect([...read].filter((name) => !declared.includes(name) && !setByTemplates.includes(name))).toEqual([]);
    expect(declared.filter((name) => name !== 'existingSecret' && !read.has(name))).toEqual([]);
  });

  it.each(VALUES_FILES.map((file) => [file ?? 'defaults', file]))(
    'with %s, the environment it renders passes every app’s own config validation',
    async (_name, file) => {
      const manifests = await render(file, 'tributary');
      const configMap = manifests.find((m) => m.kind === 'ConfigMap') as V1ConfigMap;
      const secret = manifests.find((m) => m.kind === 'Secret') as V1Secret | undefined;
      // an existingSecret is the operator's: stand in for it with valid values
      const secretEnv = secret
        ? Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]))
        : { DATABASE_URL: 'postgres://u:p@db:5432/tributary', TRIBUTARY_SECRET_KEY: 'ab'.repeat(32) };
      const env = { ...configMap.data, ...secretEnv };
      const server = manifests.find((m) => m.kind === 'Deployment' && m.metadata?.name?.endsWith('-server')) as V1Deployment;
      const serverOwn = Object.fromEntries((server.spec!.template.spec!.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
      expect(() => loadConfig(serverEnvSchema, { ...env, ...serverOwn })).not.toThrow();
      expect(() => loadConfig(workerEnvSchema, env)).not.toThrow();
      expect(() => loadConfig(bootloaderEnvSchema, env)).not.toThrow();
      expect(() => loadConfig(kubernetesLauncherEnvSchema, env)).not.toThrow();
      expect(() => loadConfig(cronEnvSchema, env)).not.toThrow();
      // the web UI reaches the API through the server's Service
      const webapp = manifests.find((m) => m.kind === 'Deployment' && m.metadata?.name?.endsWith('-webapp')) as V1Deployment;
      const webappOwn = Object.fromEntries((webapp.spec!.template.spec!.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
      expect(loadConfig(webappEnvSchema, { ...env, ...webappOwn }).TRIBUTARY_API_URL).toBe(`http://${RELEASE}-tributary-server:8000`);
      // the sweeper gets the ConfigMap only
      expect(loadConfig(podSweeperEnvSchema, configMap.data ?? {}).TRIBUTARY_KUBERNETES_NAMESPACE).toBe(
        file === 'ci/kubernetes-launcher-values.yaml' ? 'tributary-jobs' : 'tributary',
      );
    },
  );

  it('generates a valid secret key once and keeps it', async () => {
    const manifests = await render(undefined, 'tributary');
    const secret = manifests.find((m) => m.kind === 'Secret') as V1Secret;
    const key = Buffer.from(secret.data!.TRIBUTARY_SECRET_KEY!, 'base64').toString();
    expect(parseSecretKey(key)?.length).toBe(32);
    // a second rendering without the cluster has nothing to keep: a new key (lookup is what keeps it on upgrades)
    const again = (await render(undefined, 'tributary')).find((m) => m.kind === 'Secret') as V1Secret;
    expect(again.data!.TRIBUTARY_SECRET_KEY).not.toBe(secret.data!.TRIBUTARY_SECRET_KEY);
  });

  it('installs and upgrades for real: the environment first, then the bootloader hook; a generated secret key survives the upgrade', async () => {
    const namespace = await kube.createNamespace();
    const batch = kube.kubeConfig.makeApiClient(BatchV1Api);
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const secretName = `${RELEASE}-tributary-secrets`;
    const helmRun = (verb: 'install' | 'upgrade') =>
      run(helm, [verb, RELEASE, chart, '--namespace', namespace, '--kubeconfig', kube.kubeconfigPath, '--timeout', '60s'], {
        maxBuffer: 16 * 1024 * 1024,
      });

    /** Plays the Job controller for the hook: once the Job exists (its environment must already), marks it complete. */
    async function completeBootloader(previousUid?: string): Promise<string> {
      const name = `${RELEASE}-tributary-bootloader`;
      for (;;) {
        const job = await batch.readNamespacedJob({ name, namespace }).catch(() => undefined);
        if (job && job.metadata?.uid !== previousUid) {
          await core.readNamespacedConfigMap({ name: `${RELEASE}-tributary-env`, namespace });
          await core.readNamespacedSecret({ name: secretName, namespace });
          const now = new Date();
          const complete = (type: string) => ({ type, status: 'True', lastTransitionTime: now, lastProbeTime: now });
          await batch.replaceNamespacedJobStatus({
            name,
            namespace,
            body: {
              ...job,
              status: {
                startTime: now,
                completionTime: now,
                succeeded: 1,
                conditions: [complete('SuccessCriteriaMet'), complete('Complete')],
              },
            },
          });
          return job.metadata!.uid!;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    const install = helmRun('install');
    const firstJob = await completeBootloader();
    await install;
    const key = (await core.readNamespacedSecret({ name: secretName, namespace })).data?.TRIBUTARY_SECRET_KEY;
    expect(parseSecretKey(Buffer.from(key ?? '', 'base64').toString())?.length).toBe(32);
    expect(
      (await kube.kubeConfig.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace })).items.map((d) => d.metadata?.name).sort(),
    ).toEqual([
      `${RELEASE}-tributary-cron`,
      `${RELEASE}-tributary-pod-sweeper`,
      `${RELEASE}-tributary-server`,
      `${RELEASE}-tributary-webapp`,
      `${RELEASE}-tributary-worker`,
    ]);

    const upgrade = helmRun('upgrade');
    await completeBootloader(firstJob);
    await upgrade;
    expect((await core.readNamespacedSecret({ name: secretName, namespace })).data?.TRIBUTARY_SECRET_KEY).toBe(key);
  });

  it('gives the pod-sweeper and the worker exactly the access they need in the jobs namespace', async () => {
    const namespace = await kube.createNamespace();
    const jobs = await kube.createNamespace();
    const manifests = await render('ci/kubernetes-launcher-values.yaml', namespace, [
      '--set',
      `config.TRIBUTARY_KUBERNETES_NAMESPACE=${jobs}`,
    ]);
    const rbac = manifests.filter((m) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(m.kind ?? ''));
    expect(rbac.length).toBe(6);
    await apply(rbac, namespace, false);
    const admin = kube.kubeConfig.makeApiClient(CoreV1Api);
    const finished = new Date(Date.now() - 60 * 60_000);
    const created = await admin.createNamespacedPod({
      namespace: jobs,
      body: {
        metadata: { name: 'old-sync', labels: jobPodLabels({ jobType: 'sync', jobId: 'j1', attempt: 1 }) },
        spec: { containers: [{ name: 'main', image: 'busybox' }] },
      },
    });
    await admin.replaceNamespacedPodStatus({
      name: 'old-sync',
      namespace: jobs,
      body: {
        ...created,
        status: {
          phase: 'Succeeded',
          containerStatuses: [
            {
              name: 'main',
              image: 'busybox',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 0, finishedAt: finished } },
            },
          ],
        },
      },
    });

    // the sweeper, with its own service account's token: sweeps, and can do nothing else
    const sweeperApi = (await kube.kubeConfigFor(namespace, `${RELEASE}-tributary-pod-sweeper`)).makeApiClient(CoreV1Api);
    const sweeper = new PodSweeper({
      pods: sweeperApi,
      logger: createLogger({ name: 'pod-sweeper', level: 'silent' }),
      namespace: jobs,
      intervalMs: 60_000,
      succeededTtlMs: 10 * 60_000,
      failedTtlMs: 120 * 60_000,
    });
    expect(await sweeper.sweepOnce()).toMatchObject({ listed: 1, deletedSucceeded: 1, errors: 0 });
    expect((await admin.listNamespacedPod({ namespace: jobs })).items).toHaveLength(0);
    await expect(
      sweeperApi.createNamespacedPod({
        namespace: jobs,
        body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(sweeperApi.listNamespacedPod({ namespace })).rejects.toMatchObject({ code: 403 });

    // the worker: job pods and their Secrets in the jobs namespace, nothing in its own
    const workerApi = (await kube.kubeConfigFor(namespace, `${RELEASE}-tributary-worker`)).makeApiClient(CoreV1Api);
    await workerApi.createNamespacedSecret({
      namespace: jobs,
      body: { metadata: { name: 'job-config' }, stringData: { 'config.json': '{}' } },
    });
    await workerApi.createNamespacedPod({
      namespace: jobs,
      body: { metadata: { name: 'sync-pod' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    await workerApi.deleteNamespacedPod({ name: 'sync-pod', namespace: jobs });
    await workerApi.deleteNamespacedSecret({ name: 'job-config', namespace: jobs });
    await expect(workerApi.listNamespacedSecret({ namespace })).rejects.toMatchObject({ code: 403 });
    await expect(workerApi.listNamespacedSecret({ namespace: jobs })).rejects.toMatchObject({ code: 403 });
  });
});
