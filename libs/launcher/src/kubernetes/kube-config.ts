import { KubeConfig } from '@kubernetes/client-node';

/** The kubeconfig file at `path`, or (unset) the pod's own service account in a cluster. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (path) kubeConfig.loadFromFile(path);
  else kubeConfig.loadFromCluster();
  return kubeConfig;
}
