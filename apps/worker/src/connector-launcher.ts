/**
 * The launcher of connector commands (spec, check, discover): the process launcher, or with
 * TRIBUTARY_LAUNCHER=kubernetes one-connector pods. The Kubernetes client is loaded only then:
 * a worker in process mode never pays for it.
 */
import type { ConnectorLauncher } from '@tributary/launcher';
import type { LauncherChoice } from './worker-env.js';

export async function connectorCommandLauncher(choice: LauncherChoice, processLauncher: ConnectorLauncher): Promise<ConnectorLauncher> {
  if (choice.kind === 'process') return processLauncher;
  const { KubernetesLauncher, loadKubeConfig } = await import('@tributary/launcher/kubernetes');
  return new KubernetesLauncher({ kubeConfig: loadKubeConfig(choice.kubeconfig), settings: choice.settings });
}
