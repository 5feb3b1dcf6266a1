/**
 * TRIBUTARY_LAUNCHER=kubernetes: each sync attempt runs as a replication pod. Loaded with a
 * dynamic import, so a worker in process mode never loads the Kubernetes client.
 */
import type { ReplicateActivityDeps } from './activities/replicate.js';
import type { KubernetesWorkerEnv } from './worker-env.js';

export async function kubernetesPodAttempts(settings: KubernetesWorkerEnv): Promise<NonNullable<ReplicateActivityDeps['podAttempts']>> {
  const { KubernetesReplicationPods, loadKubeConfig } = await import('@tributary/launcher/kubernetes');
  const kubeConfig = loadKubeConfig(settings.kubeconfigPath);
  return {
    pods: new KubernetesReplicationPods({ ...settings.jobs, kubeConfig, orchestratorImage: settings.orchestratorImage }),
    apiUrl: settings.apiUrl,
  };
}
