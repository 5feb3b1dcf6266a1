/**
 * Where connectors run (TRIBUTARY_LAUNCHER), and the settings of job pods, read by the worker only
 * when TRIBUTARY_LAUNCHER=kubernetes. The JSON ones are validated whole, a bad entry named by its
 * path, e.g. `TRIBUTARY_KUBERNETES_RESOURCES.sync.memoryLimit`.
 */
import { z } from 'zod';
import { kubernetesEnv } from './pod-sweeper-env.js';

export const LAUNCHERS = ['process', 'kubernetes'] as const;

export const launcherEnv = z.object({
  /** process: connectors are children of the worker; kubernetes: each job runs in pods the worker creates */
  TRIBUTARY_LAUNCHER: z.enum(LAUNCHERS).default('process'),
});

/** What the job type keys of the JSON settings may be: `default` applies to every job type without its own. */
export const JOB_SETTING_KEYS = ['default', 'spec', 'check', 'discover', 'sync'] as const;

/** A Kubernetes quantity: 500m, 0.5, 2, 512Mi, 1G, 1e3 */
const quantity = z
  .string()
  .regex(/^[+]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\d+))?$/, 'must be a Kubernetes quantity, e.g. 500m, 2, 512Mi, 1Gi');

const resourceRequirements = z.strictObject({
  cpuRequest: quantity.optional(),
  cpuLimit: quantity.optional(),
  memoryRequest: quantity.optional(),
  memoryLimit: quantity.optional(),
});

const labelName = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'must be a label key');
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, 'must be a label value');

const toleration = z.strictObject({
  key: labelName.optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: labelValue.optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

const byJobType = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(JOB_SETTING_KEYS), value);

/** An environment variable holding JSON that `schema` validates. */
function json<T extends z.ZodType>(schema: T, example: string) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be JSON, e.g. ${example}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const dnsName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes object name (lowercase letters, digits, - and .)');

export const kubernetesLauncherEnvSchema = z.object({
  ...kubernetesEnv.shape,
  /** the service account job pods run as; unset: the namespace's `default` */
  TRIBUTARY_KUBERNETES_SERVICE_ACCOUNT: dnsName.optional(),
  /** comma-separated Secrets (in the jobs namespace) for pulling connector images */
  TRIBUTARY_KUBERNETES_IMAGE_PULL_SECRETS: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    )
    .pipe(z.array(dnsName))
    .default([]),
  /** requests and limits by job type, e.g. {"default":{"memoryLimit":"1Gi"},"sync":{"cpuRequest":"1"}}; a connection's or definition's own win */
  TRIBUTARY_KUBERNETES_RESOURCES: json(byJobType(resourceRequirements), '{"default":{"memoryLimit":"1Gi"}}').default({}),
  /** node selectors by job type, e.g. {"sync":{"pool":"jobs"}}; a job type's own replaces the default */
  TRIBUTARY_KUBERNETES_NODE_SELECTORS: json(byJobType(z.record(labelName, labelValue)), '{"sync":{"pool":"jobs"}}').default({}),
  /** tolerations by job type, e.g. {"default":[{"key":"jobs","operator":"Exists","effect":"NoSchedule"}]} */
  TRIBUTARY_KUBERNETES_TOLERATIONS: json(byJobType(z.array(toleration)), '{"default":[{"key":"jobs","operator":"Exists"}]}').default({}),
  /** a job pod still Pending after this (unschedulable, image pull back-off) fails its job with the reason */
  TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
  /** the image of the orchestrator container of replication pods, e.g. tributary/tributary-orchestrator:0.1.0 */
  TRIBUTARY_ORCHESTRATOR_IMAGE: z.string().min(1).optional(),
  /** the Config API as job pods reach it, e.g. http://tributary-server:8000 */
  TRIBUTARY_KUBERNETES_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
});
export type KubernetesLauncherConfig = z.infer<typeof kubernetesLauncherEnvSchema>;

/** The job pod settings of a parsed configuration, in the launcher's terms (KubernetesJobSettings). */
export function kubernetesJobSettingsOf(config: KubernetesLauncherConfig) {
  return {
    namespace: config.TRIBUTARY_KUBERNETES_NAMESPACE,
    ...(config.TRIBUTARY_KUBERNETES_SERVICE_ACCOUNT ? { serviceAccount: config.TRIBUTARY_KUBERNETES_SERVICE_ACCOUNT } : {}),
    imagePullSecrets: config.TRIBUTARY_KUBERNETES_IMAGE_PULL_SECRETS,
    resources: config.TRIBUTARY_KUBERNETES_RESOURCES,
    nodeSelectors: config.TRIBUTARY_KUBERNETES_NODE_SELECTORS,
    tolerations: config.TRIBUTARY_KUBERNETES_TOLERATIONS,
    pendingTimeoutMs: config.TRIBUTARY_KUBERNETES_PENDING_TIMEOUT_MS,
  };
}
