/**
 * A sync attempt as one replication pod, `replication-job-<job>-attempt-<n>`:
 * - an init container (the orchestrator image, `prepare`) writes each connector's config,
 *   catalog and state from the attempt's Secret into the shared emptyDir and makes the pipes;
 * - the source and destination containers run their images' `$AIRBYTE_ENTRYPOINT read|write`
 *   with stdio on those pipes (replication-pod-layout.ts);
 * - the orchestrator container (`run`) replicates between them and reports to the Config API
 *   with the attempt's runner token.
 * The Secret (input and token) is mounted in the init and orchestrator containers only, owned
 * by the pod, and deleted as soon as the pod has ended. The pod's name is the attempt's, so a
 * worker that restarts finds it again.
 */
import { CoreV1Api, type KubeConfig, type V1Container, type V1ContainerStateTerminated, type V1Pod } from '@kubernetes/client-node';
import type { FailureReason } from '@tributary/domain';
import {
  POD_INPUT_DIR,
  POD_SHARED_DIR,
  RUNNER_INPUT_KEY,
  RUNNER_TOKEN_KEY,
  connectorContainerScript,
} from '../replication-pod-layout.js';
import { PodDetachedError, type PodAttempt, type ReplicationPodEnd, type ReplicationPodRequest, type ReplicationPods } from '../replication-pods.js';
import { JOB_CONTAINER_SECURITY_CONTEXT, configSecretVolume, createJobPod, isNotFound, jobPodSpecBase, type KubernetesJobSettings } from './job-pod.js';
import { jobPodLabels } from './pod-labels.js';
import { watchPod, type PodEnd } from './pod-watch.js';
import { containerResources, resolveResources } from './resources.js';

export const ORCHESTRATOR_CONTAINER = 'orchestrator';
const SHARED_VOLUME = 'shared';
/** after the orchestrator ended, how long a connector container may take to end before the pod is deleted */
const LINGER_MS = 10_000;

export interface ReplicationPodSettings extends KubernetesJobSettings {
  kubeConfig: KubeConfig;
  /** the orchestrator's image (apps/orchestrator/Dockerfile) */
  orchestratorImage: string;
}

function terminated(pod: V1Pod | undefined, container: string): V1ContainerStateTerminated | undefined {
  return pod?.status?.containerStatuses?.find((s) => s.name === container)?.state?.terminated;
}

function stillRunning(pod: V1Pod): string[] {
  return (pod.status?.containerStatuses ?? []).filter((s) => s.name !== ORCHESTRATOR_CONTAINER && !s.state?.terminated).map((s) => s.name);
}

/** A container's name says whose failure it is. */
function originOf(container: string | undefined): FailureReason['origin'] {
  return container === 'source' || container === 'destination' ? container : 'platform';
}

export class KubernetesReplicationPods implements ReplicationPods {
  private readonly core: CoreV1Api;

  constructor(private readonly settings: ReplicationPodSettings) {
    this.core = settings.kubeConfig.makeApiClient(CoreV1Api);
  }

  podName(attempt: PodAttempt): string {
    return `replication-job-${attempt.jobId}-attempt-${attempt.attemptNumber}`.toLowerCase();
  }

  buildPod(request: ReplicationPodRequest): V1Pod {
    const { settings } = this;
    const name = this.podName(request.attempt);
    const shared = { name: SHARED_VOLUME, mountPath: POD_SHARED_DIR };
    const input = { name: 'config', mountPath: POD_INPUT_DIR, readOnly: true };
    const orchestratorResources = containerResources(resolveResources('sync', {}, settings.resources));
    const connector = (role: 'source' | 'destination', image: string, withState: boolean, definition = request[role]?.resources): V1Container => ({
      name: role,
      image,
      command: ['sh', '-c', connectorContainerScript(role, { withState })],
      volumeMounts: [shared],
      resources: containerResources(resolveResources('sync', { connection: request.connectionResources, definition }, settings.resources)),
      securityContext: JOB_CONTAINER_SECURITY_CONTEXT,
    });
    const orchestrator = (command: 'prepare' | 'run', containerName: string): V1Container => ({
      name: containerName,
      image: settings.orchestratorImage,
      args: [command, POD_INPUT_DIR, POD_SHARED_DIR],
      volumeMounts: [input, shared],
      resources: orchestratorResources,
      securityContext: JOB_CONTAINER_SECURITY_CONTEXT,
    });
    return {
      metadata: {
        name,
        labels: jobPodLabels({ jobType: 'sync', jobId: request.attempt.jobId, attempt: request.attempt.attemptNumber, connectionId: request.attempt.connectionId }),
      },
      spec: {
        ...jobPodSpecBase(settings, 'sync'),
        initContainers: [orchestrator('prepare', 'init')],
        containers: [
          ...(request.source ? [connector('source', request.source.image, request.source.withState)] : []),
          connector('destination', request.destination.image, false),
          orchestrator('run', ORCHESTRATOR_CONTAINER),
        ],
        volumes: [{ name: SHARED_VOLUME, emptyDir: {} }, configSecretVolume(name)],
      },
    };
  }

  async start(request: ReplicationPodRequest): Promise<void> {
    await createJobPod(this.core, this.settings.namespace, this.buildPod(request), {
      [RUNNER_INPUT_KEY]: request.input,
      [RUNNER_TOKEN_KEY]: request.token,
    });
  }

  async exists(attempt: PodAttempt): Promise<boolean> {
    try {
      const pod = await this.core.readNamespacedPod({ name: this.podName(attempt), namespace: this.settings.namespace });
      return !pod.metadata?.deletionTimestamp;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async wait(attempt: PodAttempt, signals: { cancel: AbortSignal; detach?: AbortSignal }): Promise<ReplicationPodEnd> {
    const name = this.podName(attempt);
    const { namespace } = this.settings;
    // aborting it deletes the pod: a cancel, or connectors left running after the orchestrator ended
    const deletePod = new AbortController();
    const stopWatching = new AbortController();
    const onCancel = () => deletePod.abort();
    signals.cancel.addEventListener('abort', onCancel, { once: true });
    if (signals.cancel.aborted) onCancel();
    let lingering: NodeJS.Timeout | undefined;
    let lingered = false;
    const watched = watchPod({
      kubeConfig: this.settings.kubeConfig,
      namespace,
      name,
      pendingTimeoutMs: this.settings.pendingTimeoutMs,
      signal: deletePod.signal,
      stop: stopWatching.signal,
      onUpdate: (pod) => {
        if (lingering || !terminated(pod, ORCHESTRATOR_CONTAINER) || stillRunning(pod).length === 0) return;
        lingering = setTimeout(() => {
          lingered = true;
          deletePod.abort();
        }, LINGER_MS);
      },
    });
    const detached = new Promise<never>((_resolve, reject) => {
      const onDetach = () => {
        stopWatching.abort();
        reject(new PodDetachedError(name));
      };
      if (signals.detach?.aborted) onDetach();
      else signals.detach?.addEventListener('abort', onDetach, { once: true });
    });
    try {
      const end = await Promise.race([watched, detached]);
      return this.endOf(end, lingered);
    } finally {
      clearTimeout(lingering);
      signals.cancel.removeEventListener('abort', onCancel);
      // the pod stays for the pod-sweeper (its status and logs tell what happened); its Secret does not
      if (!stopWatching.signal.aborted) await this.deleteSecret(name);
    }
  }

  private endOf(end: PodEnd, lingered: boolean): ReplicationPodEnd {
    const orchestrator = terminated(end.pod, ORCHESTRATOR_CONTAINER);
    const orchestratorFinished = orchestrator?.exitCode === 0;
    if (end.ok || (end.kind === 'cancelled' && lingered)) return { orchestratorFinished: true, failures: [] };
    const failure = (type: FailureReason['type'], container?: string): FailureReason => ({
      origin: originOf(container),
      type,
      message: end.message,
      timestamp: Date.now(),
    });
    switch (end.kind) {
      case 'out-of-memory': {
        const container = end.pod?.status?.containerStatuses?.find((s) => s.state?.terminated?.reason === 'OOMKilled')?.name;
        return { orchestratorFinished, failures: [failure('system_error', container)] };
      }
      case 'failed':
        // a connector that failed is in the orchestrator's outcome; only its own failure is news
        return { orchestratorFinished, failures: orchestratorFinished ? [] : [failure('system_error')] };
      case 'cancelled':
        return { orchestratorFinished, failures: [] };
      default:
        return { orchestratorFinished, failures: [failure('transient_error')] };
    }
  }

  private async deleteSecret(name: string): Promise<void> {
    try {
      await this.core.deleteNamespacedSecret({ name, namespace: this.settings.namespace });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
