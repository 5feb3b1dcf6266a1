/**
 * Resource requests and limits of a job pod's connector containers. Each field is taken from
 * the first place that sets it: the connection, the connector definition, the instance's
 * default for the job type, the instance's default for every job type.
 */
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { JobType, ResourceRequirements } from '@tributary/domain';

/** A setting by job type; `default` applies to job types without their own. */
export type ByJobType<T> = Partial<Record<JobType | 'default', T>>;

const FIELDS = ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'] as const;

export interface ResourceSources {
  connection?: ResourceRequirements;
  definition?: ResourceRequirements;
}

export function resolveResources(jobType: JobType, sources: ResourceSources, defaults: ByJobType<ResourceRequirements>): ResourceRequirements {
  const layers = [sources.connection, sources.definition, defaults[jobType], defaults.default];
  const resolved: ResourceRequirements = {};
  for (const field of FIELDS) {
    const value = layers.find((layer) => layer?.[field] !== undefined && layer[field] !== '')?.[field];
    if (value !== undefined) resolved[field] = value;
  }
  return resolved;
}

/** In a container's terms; fields left unset are left out (the namespace's LimitRange, if any, applies). */
export function containerResources(resources: ResourceRequirements): V1ResourceRequirements {
  const requests = quantities({ cpu: resources.cpuRequest, memory: resources.memoryRequest });
  const limits = quantities({ cpu: resources.cpuLimit, memory: resources.memoryLimit });
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function quantities(values: Record<string, string | undefined>): Record<string, string> | undefined {
  const set = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return set.length > 0 ? Object.fromEntries(set) : undefined;
}
