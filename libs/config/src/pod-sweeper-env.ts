/** Environment of apps/pod-sweeper, and the Kubernetes part it shares with the worker's launcher. */
import { z } from 'zod';
import { logEnv, opsEnv } from './env-parts.js';

export const kubernetesEnv = z.object({
  /** a kubeconfig file; unset in a cluster, where the pod's service account is used */
  KUBECONFIG: z.string().min(1).optional(),
  /** the namespace connector (job) pods run in */
  TRIBUTARY_KUBERNETES_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name (lowercase letters, digits, -)')
    .default('default'),
});

const minutes = z.coerce.number().positive('must be a positive number of minutes');

export const podSweeperEnvSchema = z.object({
  ...kubernetesEnv.shape,
  ...logEnv.shape,
  /** how often the sweeper looks for finished job pods */
  TRIBUTARY_POD_SWEEPER_INTERVAL_MINUTES: minutes.default(2),
  /** a succeeded job pod is deleted this long after it finished */
  TRIBUTARY_POD_SWEEPER_SUCCEEDED_TTL_MINUTES: minutes.default(10),
  /** a failed (or unknown) job pod is kept longer, for whoever investigates */
  TRIBUTARY_POD_SWEEPER_FAILED_TTL_MINUTES: minutes.default(120),
  /** pods per list request (the API server pages the rest) */
  TRIBUTARY_POD_SWEEPER_PAGE_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
  // GET /metrics, /livez, /readyz: the sweeper only runs in a cluster, so on all interfaces by default
  ...opsEnv(9467, '0.0.0.0').shape,
});
export type PodSweeperConfig = z.infer<typeof podSweeperEnvSchema>;
