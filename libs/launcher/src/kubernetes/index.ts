/**
 * `@tributary/launcher/kubernetes`: connectors as Kubernetes pods. Behind its own entry point so
 * that process mode never loads the Kubernetes client.
 */
export { resolveResources, containerResources, type ByJobType, type ResourceSources } from './resources.js';
export * from './pod-labels.js';
export {
  CONFIG_MOUNT_PATH,
  CONFIG_VOLUME,
  JOB_CONTAINER_SECURITY_CONTEXT,
  JOB_POD_USER,
  configSecret,
  configSecretVolume,
  createJobPod,
  deleteJobPod,
  imageName,
  isNotFound,
  jobPodName,
  jobPodSpecBase,
  loadKubeConfig,
  type KubernetesJobSettings,
} from './job-pod.js';
export { watchPod, pendingReason, type PodEnd, type PodFailureKind, type WatchPodOptions } from './pod-watch.js';
export { KubernetesLauncher, CONNECTOR_CONTAINER, type KubernetesLauncherOptions } from './kubernetes-launcher.js';
export { KubernetesReplicationPods, ORCHESTRATOR_CONTAINER, type ReplicationPodSettings } from './replication-pod.js';
