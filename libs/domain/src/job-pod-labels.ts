/**
 * Labels on every pod a Tributary job runs in (replication, spec, check, discover). The
 * Kubernetes launcher sets them; the pod-sweeper and operators select by them, e.g.
 * `kubectl get pods -l tributary=job-pod,connection_id=<id>`. Named like Airbyte's.
 * Vocabulary: no imports, so the launcher, the sweeper and tests share it.
 */

/** The marker: `tributary=job-pod` on every job pod and on nothing else. */
export const JOB_POD_LABEL = 'tributary';
export const JOB_POD_LABEL_VALUE = 'job-pod';
/** `sync`, `clear`, `refresh`, `spec`, `check`, `discover` */
export const JOB_TYPE_LABEL = 'job_type';
export const JOB_ID_LABEL = 'job_id';
/** the attempt number (1, 2, ...) */
export const ATTEMPT_LABEL = 'attempt_id';
/** absent on spec/check/discover pods, which belong to no connection */
export const CONNECTION_ID_LABEL = 'connection_id';

/** Selects every job pod. */
export const JOB_POD_SELECTOR = `${JOB_POD_LABEL}=${JOB_POD_LABEL_VALUE}`;

export interface JobPodLabelValues {
  jobType: string;
  jobId: string;
  attempt: number;
  connectionId?: string;
}

/** The labels of one job pod. Values are ids and small words, all valid label values. */
export function jobPodLabels(values: JobPodLabelValues): Record<string, string> {
  return {
    [JOB_POD_LABEL]: JOB_POD_LABEL_VALUE,
    [JOB_TYPE_LABEL]: values.jobType,
    [JOB_ID_LABEL]: values.jobId,
    [ATTEMPT_LABEL]: String(values.attempt),
    ...(values.connectionId ? { [CONNECTION_ID_LABEL]: values.connectionId } : {}),
  };
}
