/**
 * TRIBUTARY_LAUNCHER=kubernetes: each sync attempt runs as a replication pod. Loaded with a
 * dynamic import, so a worker in process mode never loads the Kubernetes client.
 */
import type { ReplicateActivityDeps } from './activities/replicate.js';
import type { LauncherChoice } from './worker-env.js';

export async function kubernetesPodAttempts(
  choice: Extract<LauncherChoice, { kind: 'kubernetes' }>,
): Promise<NonNullable<ReplicateActivityDeps['podAttempts']>> {
  const { KubernetesReplicationPods, loadKubeConfig } = await import('@tributary/launcher/kubernetes');
  const kubeConfig = loadKubeConfig(choice.kubeconfig);
  return {
    pods: new KubernetesReplicationPods({ ...choice.settings, kubeConfig, orchestratorImage: choice.orchestratorImage }),
    apiUrl: choice.apiUrl,
  };
}
