/**
 * What a job pod may use in a cluster: Kubernetes quantities, set on a connection, on a
 * connector definition, per job type and for the instance. Each field is optional: a field
 * left out falls through to the next level (connection > definition > job type > instance).
 */

/** Kubernetes quantities, e.g. cpu "500m", memory "1Gi"; each optional */
export interface ResourceRequirements {
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
}

export const RESOURCE_REQUIREMENT_FIELDS = ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'] as const satisfies readonly (keyof ResourceRequirements)[];

/** The kinds of job pod: one-connector commands, and the replication of a sync (sync, clear, refresh). */
export type JobType = 'spec' | 'check' | 'discover' | 'sync';

/**
 * A Kubernetes quantity as the API server accepts it for resources: a non-negative decimal number with an optional
 * binary (Ki..Ei), decimal (n, u, m, k, M, G, T, P, E) or exponent (e3) suffix.
 */
const QUANTITY = /^\+?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export function isKubernetesQuantity(value: string): boolean {
  return value.length <= 64 && QUANTITY.test(value);
}
