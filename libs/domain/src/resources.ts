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
 * A Kubernetes quantity as the API server accepts it for resources: a non-negative decimal
 * number with an optional binary (Ki..Ei), decimal (n, u, m, k, M, G, T, P, E) or exponent
 * (e3) suffix.
 */
export const KUBERNETES_QUANTITY = /^\+?(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const QUANTITY = KUBERNETES_QUANTITY;

const SUFFIXES: Record<string, number> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

export function isKubernetesQuantity(value: string): boolean {
  return value.length <= 64 && QUANTITY.test(value);
}

/** The amount a quantity stands for (cores, bytes), to compare a request with its limit; undefined for no quantity. */
export function quantityAmount(value: string): number | undefined {
  const match = isKubernetesQuantity(value) ? QUANTITY.exec(value) : null;
  if (!match) return undefined;
  const [, number, suffix = ''] = match;
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIXES[suffix]!;
  return Number(number) * multiplier;
}
