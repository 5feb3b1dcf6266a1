/** Kubernetes quantities, e.g. cpu "500m", memory "1Gi"; each optional */
export interface ResourceRequirements { cpuRequest?: string; cpuLimit?: string; memoryRequest?: string; memoryLimit?: string }
export type JobType = 'spec' | 'check' | 'discover' | 'sync';
