/**
 * Building blocks of job pods (one-connector pods here, replication pods in replication-pod.ts):
 * the pod-level settings every job pod shares, the container security context, and the config
 * Secret that carries connector configs as files. A job pod's Secret has the pod's name and is
 * owned by the pod (created right after it, so the garbage collector removes it with the pod
 * even if the worker dies); deleteJobPod removes both at once.
 */
import { randomBytes } from 'node:crypto';
import { KubeConfig, type CoreV1Api, type V1Pod, type V1PodSpec, type V1Secret, type V1SecurityContext, type V1Toleration, type V1Volume } from '@kubernetes/client-node';
import type { JobType, ResourceRequirements } from '@tributary/domain';
import type { ByJobType } from './resources.js';

/** The instance's settings for job pods (libs/config's kubernetesJobSettingsOf). */
export interface KubernetesJobSettings {
  /** where job pods and their Secrets go */
  namespace: string;
  /** unset: the namespace's `default` */
  serviceAccount?: string;
  imagePullSecrets: string[];
  resources: ByJobType<ResourceRequirements>;
  nodeSelectors: ByJobType<Record<string, string>>;
  tolerations: ByJobType<V1Toleration[]>;
  /** how long a pod may stay Pending (unscheduled, pulling its image) before its job fails */
  pendingTimeoutMs: number;
}

/** Connector images run as this non-root user (Airbyte's images have it); configs are readable by its group. */
export const JOB_POD_USER = 1000;

/** Where a job pod's config Secret is mounted: /config/config.json etc. */
export const CONFIG_MOUNT_PATH = '/config';
export const CONFIG_VOLUME = 'config';

/** Nothing a connector needs: no privilege, no capability, no escalation. */
export const JOB_CONTAINER_SECURITY_CONTEXT: V1SecurityContext = {
  runAsNonRoot: true,
  runAsUser: JOB_POD_USER,
  runAsGroup: JOB_POD_USER,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The pod-level fields of every job pod of `jobType`: never restarted (a failed attempt is
 * retried by the workflow, with a new pod), no API token mounted (job pods do not talk to
 * Kubernetes), the instance's service account, pull secrets, node selector and tolerations.
 */
export function jobPodSpecBase(
  settings: KubernetesJobSettings,
  jobType: JobType,
): Pick<V1PodSpec, 'restartPolicy' | 'automountServiceAccountToken' | 'serviceAccountName' | 'imagePullSecrets' | 'nodeSelector' | 'tolerations' | 'securityContext'> {
  const nodeSelector = settings.nodeSelectors[jobType] ?? settings.nodeSelectors.default;
  const tolerations = settings.tolerations[jobType] ?? settings.tolerations.default;
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    ...(settings.serviceAccount ? { serviceAccountName: settings.serviceAccount } : {}),
    ...(settings.imagePullSecrets.length > 0 ? { imagePullSecrets: settings.imagePullSecrets.map((name) => ({ name })) } : {}),
    ...(nodeSelector && Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
    ...(tolerations && tolerations.length > 0 ? { tolerations } : {}),
    securityContext: { runAsNonRoot: true, runAsUser: JOB_POD_USER, runAsGroup: JOB_POD_USER, fsGroup: JOB_POD_USER },
  };
}

/** The volume of the pod's own config Secret (the Secret has the pod's name), files readable by the pod's group only. */
export function configSecretVolume(podName: string): V1Volume {
  return { name: CONFIG_VOLUME, secret: { secretName: podName, defaultMode: 0o440 } };
}

/**
 * A pod name: `<prefix>-<8 random hex>`, the prefix cut to stay a valid name that also fits a
 * label value (63 characters).
 */
export function jobPodName(prefix: string): string {
  const slug = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 50)
    .replace(/^-+|-+$/g, '');
  return `${slug || 'job'}-${randomBytes(4).toString('hex')}`;
}

/** The file name part of an image reference: `airbyte/source-faker:6.2.1` -> `source-faker`. */
export function imageName(image: string): string {
  return (
    image
      .replace(/@sha256:[0-9a-f]+$/, '')
      .replace(/:[^:/]+$/, '')
      .split('/')
      .pop() ?? image
  );
}

/**
 * Creates `pod`, then its config Secret holding `files` (file name -> content), owned by the
 * pod. The kubelet waits for the Secret before it starts the containers. A Secret that cannot
 * be created takes the pod down with it.
 */
export async function createJobPod(core: CoreV1Api, namespace: string, pod: V1Pod, files?: Record<string, string>): Promise<V1Pod> {
  const created = await core.createNamespacedPod({ namespace, body: pod });
  if (!files) return created;
  try {
    await core.createNamespacedSecret({ namespace, body: configSecret(created, files) });
  } catch (error) {
    await deleteJobPod(core, namespace, created.metadata!.name!);
    throw error;
  }
  return created;
}

/** The config Secret of a created pod: its name and labels, owned by it. */
export function configSecret(pod: V1Pod, files: Record<string, string>): V1Secret {
  const metadata = pod.metadata!;
  return {
    metadata: {
      name: metadata.name!,
      labels: metadata.labels ?? {},
      ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: metadata.name!, uid: metadata.uid! }],
    },
    type: 'Opaque',
    stringData: files,
  };
}

/** Deletes a job pod (its containers stop) and its config Secret; either already gone is fine. */
export async function deleteJobPod(core: CoreV1Api, namespace: string, name: string, gracePeriodSeconds?: number): Promise<void> {
  await Promise.all([
    ignoreNotFound(core.deleteNamespacedPod({ name, namespace, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) })),
    ignoreNotFound(core.deleteNamespacedSecret({ name, namespace })),
  ]);
}

export function isNotFound(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === 404;
}

async function ignoreNotFound(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** The worker's access to the API: a kubeconfig file when given (outside a cluster), else the pod's own service account. */
export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (kubeconfigPath) kubeConfig.loadFromFile(kubeconfigPath);
  else kubeConfig.loadFromCluster();
  return kubeConfig;
}
