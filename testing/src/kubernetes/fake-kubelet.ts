/**
 * A test stand-in for the scheduler and the kubelet of one node, against a real API server
 * (apiserver.ts). It watches pods, binds each to its node, runs the containers' commands as
 * local processes and writes pod status back through the API the way a kubelet does:
 * Pending -> Running -> Succeeded | Failed, with container waiting / running / terminated
 * states, exit codes and reasons.
 *
 *   const kubelet = new FakeKubelet({ kubeConfig: kube.kubeConfig, namespace, images: {
 *     'airbyte/source-faker': { env: { AIRBYTE_ENTRYPOINT: `${venv}/bin/source-faker` } },
 *   } });
 *   await kubelet.start();  ...  await kubelet.stop();
 *
 * How a pod becomes processes:
 * - the image names a local runtime (`images`, by full reference or by repository without
 *   tag): its ENTRYPOINT, CMD, ENV and working dir, as an image would carry them; an image
 *   not listed stays in ErrImagePull, as a missing image does;
 * - emptyDir volumes are temp dirs; Secret and ConfigMap volumes are files in temp dirs,
 *   read from the API; a mountPath written in a command, an argument, an env value or the
 *   working dir is rewritten to its local dir (the processes share this machine's root);
 * - env: values, `$(VAR)` references, secretKeyRef, configMapKeyRef, fieldRef, envFrom;
 * - init containers run one after the other, then the containers together; restartPolicy
 *   is Never whatever the spec says (job pods never restart).
 * - a Secret volume whose Secret does not exist yet is waited for (ContainerCreating), as a
 *   kubelet retries the mount.
 * With `tls` (TestKubernetes.kubeletTls) it is also a Node: it registers one whose kubelet
 * endpoint serves `GET /containerLogs/{namespace}/{pod}/{container}` (`follow`, `tailLines`,
 * `limitBytes`) over HTTPS, so `pods/log` through the real API server reaches it.
 * Hooks for what a node does to pods: `unschedulable` keeps a pod Pending with the
 * scheduler's Unschedulable condition; `oomKill()` kills a container as the kernel's OOM
 * killer would (exit 137, reason OOMKilled). Deleting a pod stops its processes (SIGTERM,
 * SIGKILL after the grace period) and then removes it, as the kubelet confirms a deletion.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CoreV1Api,
  PatchStrategy,
  makeInformer,
  setHeaderOptions,
  type KubeConfig,
  type V1Container,
  type V1ContainerState,
  type V1ContainerStatus,
  type V1Pod,
  type V1PodCondition,
  type V1PodStatus,
} from '@kubernetes/client-node';

/** What a container image would bring; every field optional. */
export interface ImageRuntime {
  /** the image's ENTRYPOINT, used when the container sets no command */
  entrypoint?: string[];
  /** the image's CMD, used when the container sets neither command nor args */
  cmd?: string[];
  /** the image's ENV, under the container's own env */
  env?: Record<string, string>;
  /** the image's WORKDIR */
  workingDir?: string;
}

export interface FakeKubeletOptions {
  kubeConfig: KubeConfig;
  /** watch only this namespace (all when omitted) */
  namespace?: string;
  nodeName?: string;
  /** image reference (`repo:tag`) or repository -> local runtime */
  images: Record<string, ImageRuntime>;
  /** a message keeps the pod Pending and unscheduled, e.g. `0/1 nodes are available: 1 Insufficient memory.` */
  unschedulable?: (pod: V1Pod) => string | undefined;
  /** a serving certificate for 127.0.0.1 the API server trusts: register a Node and serve container logs */
  tls?: { cert: string; key: string };
}

interface RunningContainer {
  name: string;
  child: ChildProcess;
  oomKilled: boolean;
}

interface PodRun {
  pod: V1Pod;
  dir: string;
  status: V1PodStatus;
  containers: Map<string, RunningContainer>;
  /** container logs (stdout and stderr interleaved), kept after exit */
  logs: Map<string, string>;
  /** `data:<container>` (a chunk) and `end:<container>` (it exited), for followed logs */
  logEvents: EventEmitter;
  /** containers that have run and exited */
  ended: Set<string>;
  writes: Promise<void>;
  deleting: boolean;
  done: Promise<void>;
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class FakeKubelet {
  readonly nodeName: string;
  private readonly core: CoreV1Api;
  private readonly runs = new Map<string, PodRun>();
  private informer: ReturnType<typeof makeInformer<V1Pod>> | undefined;
  private logServer: Server | undefined;
  private root = '';
  private stopped = false;

  constructor(private readonly options: FakeKubeletOptions) {
    this.nodeName = options.nodeName ?? 'fake-node';
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
  }

  async start(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), 'tributary-kubelet-'));
    if (this.options.tls) await this.registerNode(this.options.tls);
    const { namespace } = this.options;
    const path = namespace ? `/api/v1/namespaces/${namespace}/pods` : '/api/v1/pods';
    const list = () => (namespace ? this.core.listNamespacedPod({ namespace }) : this.core.listPodForAllNamespaces());
    const informer = makeInformer<V1Pod>(this.options.kubeConfig, path, list);
    informer.on('add', (pod) => this.onPod(pod));
    informer.on('update', (pod) => this.onPod(pod));
    informer.on('delete', (pod) => this.onDeleted(pod));
    // a dropped watch (API server restart, timeout) resumes after a short pause
    informer.on('error', () => {
      if (!this.stopped) setTimeout(() => void informer.start().catch(() => undefined), 500);
    });
    this.informer = informer;
    await informer.start();
  }

  /** Kills every container and stops watching; the pods stay as they are in the API. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer?.stop();
    await new Promise<void>((resolve) => (this.logServer ? this.logServer.close(() => resolve()) : resolve()));
    for (const run of this.runs.values()) for (const c of run.containers.values()) killGroup(c.child, 'SIGKILL');
    await Promise.all([...this.runs.values()].map((run) => run.done.catch(() => undefined)));
    await rm(this.root, { recursive: true, force: true });
  }

  /** Kills a running container the way the OOM killer does: it terminates with OOMKilled, exit 137. */
  oomKill(namespace: string, podName: string, containerName: string): void {
    const container = this.findRun(namespace, podName)?.containers.get(containerName);
    if (!container) throw new Error(`no running container ${containerName} in ${namespace}/${podName}`);
    container.oomKilled = true;
    killGroup(container.child, 'SIGKILL');
  }

  /** What a container wrote to stdout and stderr (like `kubectl logs`). */
  logs(namespace: string, podName: string, containerName: string): string {
    return this.findRun(namespace, podName)?.logs.get(containerName) ?? '';
  }

  /** Resolves when the kubelet has nothing left to do for the pod (finished or deleted). */
  async settled(namespace: string, podName: string): Promise<void> {
    await this.findRun(namespace, podName)?.done;
  }

  private findRun(namespace: string, podName: string): PodRun | undefined {
    // the newest pod of that name: a name may be used again after a deletion
    return [...this.runs.values()].reverse().find((r) => r.pod.metadata?.namespace === namespace && r.pod.metadata?.name === podName);
  }

  /** Serves container logs on a free port, then registers the Node with that kubelet endpoint (or updates it). */
  private async registerNode(tls: { cert: string; key: string }): Promise<void> {
    const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => this.serveLogs(req.url ?? '/', res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.logServer = server;
    const port = (server.address() as { port: number }).port;
    const status = {
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: this.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: new Date(), lastTransitionTime: new Date() }],
    };
    try {
      await this.core.createNode({ body: { metadata: { name: this.nodeName }, status } });
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
    }
    // create may drop the status: set it the way a kubelet reports it
    await this.core.patchNodeStatus({ name: this.nodeName, body: { status } }, MERGE_PATCH);
  }

  /** `GET /containerLogs/{namespace}/{pod}/{container}`, as the kubelet answers the API server's proxied pods/log. */
  private serveLogs(url: string, res: ServerResponse): void {
    const { pathname, searchParams } = new URL(url, 'https://kubelet');
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(pathname);
    const fail = (status: number, message: string) => void res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
    if (!match) return fail(404, `no such endpoint: ${pathname}`);
    const [namespace, podName, container] = match.slice(1).map(decodeURIComponent) as [string, string, string];
    const run = this.findRun(namespace, podName);
    if (!run) return fail(404, `pod "${podName}" not found on this node`);
    const started = run.containers.has(container) || run.ended.has(container);
    if (!started) return fail(400, `container "${container}" in pod "${podName}" is waiting to start`);
    let text = run.logs.get(container) ?? '';
    const tailLines = searchParams.get('tailLines');
    if (tailLines !== null) text = text.split(/(?<=\n)/).slice(-Number(tailLines)).join('');
    const limitBytes = searchParams.get('limitBytes');
    if (limitBytes !== null) text = Buffer.from(text).subarray(0, Number(limitBytes)).toString();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(text);
    if (searchParams.get('follow') !== 'true' || run.ended.has(container)) return void res.end();
    const onData = (chunk: Buffer) => res.write(chunk);
    const onEnd = () => {
      run.logEvents.off(`data:${container}`, onData);
      res.end();
    };
    run.logEvents.on(`data:${container}`, onData);
    run.logEvents.once(`end:${container}`, onEnd);
    res.once('close', () => {
      run.logEvents.off(`data:${container}`, onData);
      run.logEvents.off(`end:${container}`, onEnd);
    });
  }

  private onPod(pod: V1Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid ?? '';
    const known = this.runs.get(uid);
    if (known) {
      if (pod.metadata?.deletionTimestamp && !known.deleting) void this.terminate(known, pod);
      return;
    }
    if (pod.spec?.nodeName && pod.spec.nodeName !== this.nodeName) return; // another node's
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return; // ran before this kubelet
    if (pod.metadata?.deletionTimestamp) return;
    const run: PodRun = {
      pod,
      dir: '',
      status: { ...pod.status, phase: 'Pending' },
      containers: new Map(),
      logs: new Map(),
      logEvents: new EventEmitter().setMaxListeners(0),
      ended: new Set(),
      writes: Promise.resolve(),
      deleting: false,
      done: Promise.resolve(),
    };
    this.runs.set(uid, run);
    run.done = this.runPod(run).catch((error: unknown) => {
      if (!run.deleting && !this.stopped) console.error(`fake kubelet: ${pod.metadata?.namespace}/${pod.metadata?.name}:`, error);
    });
  }

  private onDeleted(pod: V1Pod): void {
    const run = this.runs.get(pod.metadata?.uid ?? '');
    if (!run) return;
    run.deleting = true;
    for (const c of run.containers.values()) killGroup(c.child, 'SIGKILL');
  }

  private async runPod(run: PodRun): Promise<void> {
    const pod = run.pod;
    const spec = pod.spec!;
    const unschedulable = this.options.unschedulable?.(pod);
    if (unschedulable) {
      this.setCondition(run, 'PodScheduled', 'False', 'Unschedulable', unschedulable);
      await this.writeStatus(run);
      return;
    }
    await this.core.createNamespacedPodBinding({
      name: pod.metadata!.name!,
      namespace: pod.metadata!.namespace!,
      body: { metadata: { name: pod.metadata!.name! }, target: { apiVersion: 'v1', kind: 'Node', name: this.nodeName } },
    });
    const now = new Date();
    run.status.startTime = now;
    run.status.hostIP = '127.0.0.1';
    run.status.podIP = '127.0.0.1';
    run.status.podIPs = [{ ip: '127.0.0.1' }];
    this.setCondition(run, 'PodScheduled', 'True');
    this.setCondition(run, 'Initialized', spec.initContainers?.length ? 'False' : 'True');
    this.setCondition(run, 'ContainersReady', 'False');
    this.setCondition(run, 'Ready', 'False');
    run.status.initContainerStatuses = spec.initContainers?.map((c) => containerStatus(c, { waiting: { reason: 'PodInitializing' } }));
    const waitingFor = spec.initContainers?.length ? 'PodInitializing' : 'ContainerCreating';
    run.status.containerStatuses = spec.containers.map((c) => containerStatus(c, { waiting: { reason: waitingFor } }));

    const missing = [...(spec.initContainers ?? []), ...spec.containers].filter((c) => !this.imageOf(c.image ?? ''));
    if (missing.length > 0) {
      for (const c of missing) {
        const message = `Back-off pulling image "${c.image}": not found in the fake kubelet's images`;
        this.updateContainer(run, c.name, { waiting: { reason: 'ImagePullBackOff', message } });
      }
      await this.writeStatus(run);
      return;
    }
    await this.writeStatus(run);

    run.dir = await mkdtemp(join(this.root, `${pod.metadata!.name}-`));
    const volumes = await this.prepareVolumes(run);

    for (const container of spec.initContainers ?? []) {
      const exitCode = await this.runContainer(run, container, volumes);
      if (run.deleting) return;
      if (exitCode !== 0) return this.finish(run, 'Failed');
    }
    this.setCondition(run, 'Initialized', 'True');
    const exits = spec.containers.map((c) => this.runContainer(run, c, volumes));
    run.status.phase = 'Running';
    this.setCondition(run, 'ContainersReady', 'True');
    this.setCondition(run, 'Ready', 'True');
    await this.writeStatus(run);
    const codes = await Promise.all(exits);
    if (run.deleting) return;
    await this.finish(run, codes.every((code) => code === 0) ? 'Succeeded' : 'Failed');
  }

  private async finish(run: PodRun, phase: 'Succeeded' | 'Failed'): Promise<void> {
    run.status.phase = phase;
    this.setCondition(run, 'ContainersReady', 'False', 'PodCompleted');
    this.setCondition(run, 'Ready', 'False', 'PodCompleted');
    await this.writeStatus(run);
  }

  /** Runs one container to its end; resolves with its exit code (137 when killed). */
  private async runContainer(run: PodRun, container: V1Container, volumes: Map<string, string>): Promise<number> {
    const image = this.imageOf(container.image ?? '')!;
    const mounts = (container.volumeMounts ?? [])
      .filter((m) => volumes.has(m.name))
      .map((m) => ({ from: m.mountPath, to: join(volumes.get(m.name)!, m.subPath ?? '') }))
      .sort((a, b) => b.from.length - a.from.length);
    const local = (text: string) => mounts.reduce((s, m) => s.replace(mountPathPattern(m.from), m.to), text);

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: run.dir,
      HOSTNAME: run.pod.metadata!.name!,
      ...image.env,
    };
    for (const source of container.envFrom ?? []) {
      const data = source.secretRef
        ? await this.secretData(run, source.secretRef.name!)
        : source.configMapRef
          ? await this.configMapData(run, source.configMapRef.name!)
          : {};
      for (const [key, value] of Object.entries(data)) env[`${source.prefix ?? ''}${key}`] = value;
    }
    for (const variable of container.env ?? []) {
      const value = await this.envValue(run, variable, env);
      if (value !== undefined) env[variable.name] = local(value);
    }
    const command = container.command ?? image.entrypoint ?? [];
    const args = container.args ?? (container.command ? [] : (image.cmd ?? []));
    const argv = [...command, ...args].map((a) => local(expandReferences(a, env)));
    if (argv.length === 0) throw new Error(`container ${container.name} has no command and its image no entrypoint`);
    const workingDir = container.workingDir ?? image.workingDir;

    const startedAt = new Date();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: workingDir ? local(workingDir) : run.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const running: RunningContainer = { name: container.name, child, oomKilled: false };
    run.containers.set(container.name, running);
    const append = (chunk: Buffer) => {
      run.logs.set(container.name, (run.logs.get(container.name) ?? '') + chunk.toString());
      run.logEvents.emit(`data:${container.name}`, chunk);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const exit = new Promise<number>((resolve) => {
      child.once('error', (error) => {
        append(Buffer.from(`${error.message}\n`));
        resolve(128);
      });
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
    });
    this.updateContainer(
      run,
      container.name,
      { running: { startedAt } },
      { started: true, ready: true, containerID: `fake://${child.pid ?? 0}` },
    );
    await this.writeStatus(run);

    const exitCode = await exit;
    run.containers.delete(container.name);
    run.ended.add(container.name);
    run.logEvents.emit(`end:${container.name}`);
    const reason = running.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    this.updateContainer(
      run,
      container.name,
      { terminated: { exitCode, reason, startedAt, finishedAt: new Date(), containerID: `fake://${child.pid ?? 0}` } },
      { started: false, ready: false },
    );
    if (!run.deleting) await this.writeStatus(run);
    return exitCode;
  }

  /** Stops a deleted pod's containers within its grace period, then confirms the deletion. */
  private async terminate(run: PodRun, pod: V1Pod): Promise<void> {
    run.deleting = true;
    const graceSeconds = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const containers = [...run.containers.values()];
    for (const c of containers) killGroup(c.child, 'SIGTERM');
    const killer = setTimeout(() => containers.forEach((c) => killGroup(c.child, 'SIGKILL')), graceSeconds * 1000);
    await Promise.all(
      containers.map((c) =>
        c.child.exitCode !== null || c.child.signalCode !== null ? undefined : new Promise((resolve) => c.child.once('close', resolve)),
      ),
    );
    clearTimeout(killer);
    await this.core
      .deleteNamespacedPod({
        name: pod.metadata!.name!,
        namespace: pod.metadata!.namespace!,
        body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid } },
      })
      .catch((error: unknown) => {
        if ((error as { code?: number }).code !== 404) throw error;
      });
  }

  private imageOf(reference: string): ImageRuntime | undefined {
    const images = this.options.images;
    return images[reference] ?? images[reference.replace(/(@sha256:[0-9a-f]+|:[^:/]+)$/, '')];
  }

  /** emptyDir, Secret and ConfigMap volumes as local dirs; other kinds are not mounted. */
  private async prepareVolumes(run: PodRun): Promise<Map<string, string>> {
    const dirs = new Map<string, string>();
    for (const volume of run.pod.spec?.volumes ?? []) {
      const dir = join(run.dir, 'volumes', volume.name);
      let files: Record<string, string> | undefined;
      let items: { key: string; path: string }[] | undefined;
      if (volume.emptyDir) files = {};
      else if (volume.secret) [files, items] = [await this.secretDataOnceCreated(run, volume.secret.secretName!), volume.secret.items];
      else if (volume.configMap) [files, items] = [await this.configMapData(run, volume.configMap.name!), volume.configMap.items];
      if (!files) continue;
      await mkdir(dir, { recursive: true });
      const paths = items ?? Object.keys(files).map((key) => ({ key, path: key }));
      for (const { key, path } of paths) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), files[key] ?? '', { mode: 0o600 });
      }
      dirs.set(volume.name, dir);
    }
    return dirs;
  }

  private async secretData(run: PodRun, name: string): Promise<Record<string, string>> {
    const secret = await this.core.readNamespacedSecret({ name, namespace: run.pod.metadata!.namespace! });
    const decoded = Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]);
    return { ...Object.fromEntries(decoded), ...secret.stringData };
  }

  /** A mount waits for its Secret (created after the pod, say); a pod deleted meanwhile stops waiting. */
  private async secretDataOnceCreated(run: PodRun, name: string): Promise<Record<string, string>> {
    for (;;) {
      try {
        return await this.secretData(run, name);
      } catch (error) {
        if ((error as { code?: number }).code !== 404 || run.deleting || this.stopped) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async configMapData(run: PodRun, name: string): Promise<Record<string, string>> {
    return (await this.core.readNamespacedConfigMap({ name, namespace: run.pod.metadata!.namespace! })).data ?? {};
  }

  private async envValue(
    run: PodRun,
    variable: NonNullable<V1Container['env']>[number],
    env: Record<string, string>,
  ): Promise<string | undefined> {
    if (variable.value !== undefined) return expandReferences(variable.value, env);
    const from = variable.valueFrom;
    if (from?.secretKeyRef) return (await this.secretData(run, from.secretKeyRef.name!))[from.secretKeyRef.key];
    if (from?.configMapKeyRef) return (await this.configMapData(run, from.configMapKeyRef.name!))[from.configMapKeyRef.key];
    if (from?.fieldRef)
      return fieldValue({ ...run.pod, spec: { ...run.pod.spec!, nodeName: this.nodeName }, status: run.status }, from.fieldRef.fieldPath);
    return undefined;
  }

  private setCondition(run: PodRun, type: string, status: 'True' | 'False', reason?: string, message?: string): void {
    const conditions = (run.status.conditions ?? []).filter((c) => c.type !== type);
    const previous = run.status.conditions?.find((c) => c.type === type);
    const changed = previous?.status !== status;
    const condition: V1PodCondition = {
      type,
      status,
      lastTransitionTime: changed ? new Date() : (previous?.lastTransitionTime ?? new Date()),
      reason,
      message,
    };
    run.status.conditions = [...conditions, condition];
  }

  private updateContainer(run: PodRun, name: string, state: V1ContainerState, extra: Partial<V1ContainerStatus> = {}): void {
    for (const statuses of [run.status.initContainerStatuses, run.status.containerStatuses]) {
      const status = statuses?.find((s) => s.name === name);
      if (status) Object.assign(status, { state, ...extra });
    }
  }

  /** Sends the whole status (writes of one pod in order); a pod deleted meanwhile is no error. */
  private writeStatus(run: PodRun): Promise<void> {
    const body = { status: structuredClone(run.status) };
    const name = run.pod.metadata!.name!;
    const namespace = run.pod.metadata!.namespace!;
    run.writes = run.writes.then(async () => {
      try {
        await this.core.patchNamespacedPodStatus({ name, namespace, body }, MERGE_PATCH);
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
      }
    });
    return run.writes;
  }
}

function containerStatus(container: V1Container, state: V1ContainerState): V1ContainerStatus {
  return {
    name: container.name,
    image: container.image ?? '',
    imageID: `fake://${container.image ?? ''}`,
    ready: false,
    started: false,
    restartCount: 0,
    state,
  };
}

/** Matches `path` as a whole path prefix: `/config` in `/config/a` or `--x=/config`, not in `/configs`. */
function mountPathPattern(path: string): RegExp {
  const escaped = path.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.-])${escaped}(?=/|$|[^\\w.-])`, 'g');
}

/** Kubernetes' `$(VAR)` expansion in command, args and env values; `$$(` stays literal. */
function expandReferences(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) =>
    match === '$$' ? '$' : name !== undefined && name in env ? env[name]! : match,
  );
}

function fieldValue(pod: V1Pod, path: string): string | undefined {
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return (label[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[label[2]!];
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
  };
  return fields[path];
}

/** The container is its process group (spawned detached): its children die with it. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 } as Record<string, number>)[signal] ?? 1;
}
