/**
 * Watches one job pod to its end. The answer is a success only when the pod Succeeded; every
 * other end is a failure with its reason:
 * - Pending longer than the timeout, unscheduled or with a container that cannot start (image
 *   pull back-off, a missing Secret; even while the pod's other containers run): the pod is
 *   deleted, and the reason is the scheduler's or the kubelet's own message. The timeout runs
 *   from the start of the watch (a worker that re-attaches gives a pod the whole timeout again);
 * - the pod vanished, or someone else deleted it, before it ended;
 * - a container was OOMKilled: "out of memory" with its memory limit;
 * - the pod Failed: the container that failed, its exit code and reason;
 * - the signal was aborted: the pod and its config Secret are deleted (cancelled).
 * A dropped watch (timeout, API server restart) is resumed from a fresh read of the pod.
 */
import { CoreV1Api, Watch, type KubeConfig, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';
import { deleteJobPod, isNotFound } from './job-pod.js';

export type PodFailureKind = 'pending-timeout' | 'vanished' | 'cancelled' | 'out-of-memory' | 'failed' | 'detached';

export type PodEnd =
  | { ok: true; pod: V1Pod }
  | {
      ok: false;
      kind: PodFailureKind;
      /** says which pod and why, e.g. `pod check-x-1a2b: container "main" ran out of memory (limit 512Mi)` */
      message: string;
      /** the pod as last seen (absent when it was never seen) */
      pod?: V1Pod;
    };

export interface WatchPodOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  pendingTimeoutMs: number;
  /** aborted: the pod is deleted and the watch ends as cancelled */
  signal?: AbortSignal;
  /** aborted: the watch ends as detached, leaving the pod as it is (its watcher shuts down) */
  stop?: AbortSignal;
  /** every state of the pod seen, e.g. for heartbeats */
  onUpdate?: (pod: V1Pod) => void;
}

/** how long a dropped watch waits before it reads the pod again */
const RESUME_DELAY_MS = 500;

export function watchPod(options: WatchPodOptions): Promise<PodEnd> {
  return new PodWatch(options).run();
}

class PodWatch {
  private readonly core: CoreV1Api;
  private readonly started = Date.now();
  private settle!: (end: PodEnd) => void;
  private settled = false;
  private lastSeen: V1Pod | undefined;
  private watchAbort: AbortController | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** a deletion of ours (cancel, pending timeout) is not a pod that vanished */
  private deleting = false;
  /** from then on, a pod seen stuck in Pending is given up */
  private pendingTimeoutPassed = false;

  constructor(private readonly options: WatchPodOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
  }

  run(): Promise<PodEnd> {
    const done = new Promise<PodEnd>((resolve) => (this.settle = resolve));
    const { signal, stop } = this.options;
    const onAbort = () => void this.cancel();
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const onStop = () => this.fail('detached', 'no longer watched');
    if (stop?.aborted) onStop();
    else stop?.addEventListener('abort', onStop, { once: true });
    this.timers.push(setTimeout(() => void this.checkPending(), this.options.pendingTimeoutMs));
    if (!this.settled) void this.follow();
    return done.finally(() => {
      signal?.removeEventListener('abort', onAbort);
      stop?.removeEventListener('abort', onStop);
      this.timers.forEach(clearTimeout);
      this.watchAbort?.abort();
    });
  }

  private finish(end: PodEnd): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(end);
  }

  private fail(kind: PodFailureKind, why: string): void {
    this.finish({ ok: false, kind, message: `pod ${this.options.name}: ${why}`, ...(this.lastSeen ? { pod: this.lastSeen } : {}) });
  }

  /** Reads the pod, then watches it from that version; resumes the same way when the watch drops. */
  private async follow(): Promise<void> {
    const { namespace, name } = this.options;
    if (this.settled) return;
    let pod: V1Pod;
    try {
      pod = await this.core.readNamespacedPod({ name, namespace });
    } catch (error) {
      if (isNotFound(error)) return this.onGone();
      return this.resumeLater();
    }
    this.onPod(pod);
    if (this.settled) return;
    const watch = new Watch(this.options.kubeConfig);
    try {
      this.watchAbort = await watch.watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { fieldSelector: `metadata.name=${name}`, resourceVersion: pod.metadata?.resourceVersion, allowWatchBookmarks: false },
        (type: string, object: V1Pod) => {
          if (type === 'DELETED') this.onGone();
          else if (type === 'ADDED' || type === 'MODIFIED') this.onPod(object);
        },
        () => this.resumeLater(),
      );
    } catch {
      this.resumeLater();
    }
  }

  private resumeLater(): void {
    if (this.settled) return;
    this.timers.push(setTimeout(() => void this.follow(), RESUME_DELAY_MS));
  }

  private onGone(): void {
    if (this.deleting) return; // ours: cancel or checkPending settles
    this.fail('vanished', 'the pod was deleted before it finished');
  }

  private onPod(pod: V1Pod): void {
    if (this.settled) return;
    // another pod of the same name (ours was deleted and the name reused) is not ours
    if (this.lastSeen?.metadata?.uid && pod.metadata?.uid !== this.lastSeen.metadata.uid) return this.onGone();
    this.lastSeen = pod;
    this.options.onUpdate?.(pod);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded') return this.finish({ ok: true, pod });
    if (phase === 'Failed') return this.onFailed(pod);
    if (pod.metadata?.deletionTimestamp && !this.deleting) return this.fail('vanished', 'the pod was deleted before it finished');
    if (this.pendingTimeoutPassed && !this.deleting && isStuckPending(pod)) void this.giveUpPending(pod);
  }

  private onFailed(pod: V1Pod): void {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const oom = statuses.find((s) => s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled');
    if (oom) {
      const limit = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === oom.name)?.resources?.limits?.[
        'memory'
      ];
      return this.fail('out-of-memory', `container "${oom.name}" ran out of memory (${limit ? `limit ${limit}` : 'no memory limit set'})`);
    }
    const failed = statuses.find((s) => (s.state?.terminated?.exitCode ?? 0) !== 0);
    if (failed) return this.fail('failed', describeTermination(failed));
    const reason = [pod.status?.reason, pod.status?.message].filter(Boolean).join(': ');
    this.fail('failed', reason ? `the pod failed: ${reason}` : 'the pod failed');
  }

  /** At the pending deadline: from now on a stuck pod is given up (this read, or a later update). */
  private async checkPending(): Promise<void> {
    if (this.settled) return;
    const { namespace, name } = this.options;
    let pod: V1Pod;
    try {
      pod = await this.core.readNamespacedPod({ name, namespace });
    } catch (error) {
      if (isNotFound(error)) return this.onGone();
      this.timers.push(setTimeout(() => void this.checkPending(), RESUME_DELAY_MS));
      return;
    }
    this.pendingTimeoutPassed = true;
    this.onPod(pod);
  }

  private async giveUpPending(pod: V1Pod): Promise<void> {
    this.deleting = true;
    const seconds = Math.round((Date.now() - this.started) / 1000);
    const why = `still Pending after ${seconds} s: ${pendingReason(pod)}`;
    await deleteJobPod(this.core, this.options.namespace, this.options.name).catch(() => undefined);
    this.fail('pending-timeout', why);
  }

  private async cancel(): Promise<void> {
    if (this.settled) return;
    this.deleting = true;
    await deleteJobPod(this.core, this.options.namespace, this.options.name).catch(() => undefined);
    this.fail('cancelled', 'cancelled: the pod and its config were deleted');
  }
}

/** the waiting reasons of a container on its way to start */
const STARTING = ['ContainerCreating', 'PodInitializing'];

/** Pending, and either no container (init or main) has started or one waits for something other than its start. */
function isStuckPending(pod: V1Pod): boolean {
  if (pod.status?.phase && pod.status.phase !== 'Pending') return false;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const blocked = statuses.some((s) => s.state?.waiting?.reason && !STARTING.includes(s.state.waiting.reason));
  return blocked || !statuses.some((s) => s.state?.running || s.state?.terminated);
}

/** Why a pod waits: the scheduler's condition, else the first waiting container's reason and message. */
export function pendingReason(pod: V1Pod): string {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return [scheduled.reason ?? 'not scheduled', scheduled.message].filter(Boolean).join(': ');
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const waiting = statuses.find((s) => s.state?.waiting?.reason && !STARTING.includes(s.state.waiting.reason));
  if (waiting?.state?.waiting) {
    const { reason, message } = waiting.state.waiting;
    return `container "${waiting.name}" (${waiting.image}) is waiting: ${[reason, message].filter(Boolean).join(': ')}`;
  }
  if (!scheduled) return 'not scheduled to any node yet';
  return 'its containers were never started';
}

function describeTermination(status: V1ContainerStatus): string {
  const terminated = status.state!.terminated!;
  const reason = terminated.reason && terminated.reason !== 'Error' ? ` (${terminated.reason})` : '';
  const message = terminated.message ? `: ${terminated.message.trim()}` : '';
  return `container "${status.name}" exited with code ${terminated.exitCode}${reason}${message}`;
}
