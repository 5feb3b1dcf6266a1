/**
 * Where an attempt runs when it does not run in the worker: a replication pod (Kubernetes).
 * The worker starts it, watches it and reads what it reported through the Config API; the
 * pod outlives the worker, so a restarted worker finds it again by its attempt.
 */
import type { FailureReason, ResourceRequirements } from '@tributary/domain';

export interface PodAttempt {
  connectionId: string;
  jobId: string;
  attemptNumber: number;
}

export interface ReplicationPodRequest {
  attempt: PodAttempt;
  /** ReplicationPodInput (libs/replication) as JSON: it goes into the pod's Secret as it is */
  input: string;
  /** the attempt's runner token, for the orchestrator's calls to the Config API */
  token: string;
  /** a clear runs no source container */
  source?: { image: string; resources?: ResourceRequirements; withState: boolean };
  destination: { image: string; resources?: ResourceRequirements };
  /** the connection's own requirements, before the connectors' definitions' */
  connectionResources?: ResourceRequirements;
}

/** How a replication pod ended, as far as Kubernetes tells: the orchestrator's report says the rest. */
export interface ReplicationPodEnd {
  /** the orchestrator finished (the outcome it reported is what counts) */
  orchestratorFinished: boolean;
  /** what went wrong at the pod level, first cause first: out of memory, never scheduled, deleted, an image not pulled */
  failures: FailureReason[];
}

export interface ReplicationPods {
  /** the pod's name, for logs */
  podName(attempt: PodAttempt): string;
  /** creates the attempt's Secret and pod */
  start(request: ReplicationPodRequest): Promise<void>;
  /** whether the attempt's pod exists (running, or ended but not yet collected) */
  exists(attempt: PodAttempt): Promise<boolean>;
  /**
   * Until the orchestrator container has ended, or the pod failed without it. `cancel` deletes
   * the pod; `detach` only stops watching (the worker shuts down: another one picks the pod up)
   * and rejects with PodDetachedError. The Secret is deleted once the pod has ended, and the
   * pod itself when a container is still running after the orchestrator ended.
   */
  wait(attempt: PodAttempt, signals: { cancel: AbortSignal; detach?: AbortSignal }): Promise<ReplicationPodEnd>;
}

/** The worker stopped watching a replication pod that goes on running. */
export class PodDetachedError extends Error {
  constructor(podName: string) {
    super(`stopped watching pod ${podName}, which goes on running`);
    this.name = 'PodDetachedError';
  }
}
