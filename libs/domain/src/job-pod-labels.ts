/**
 * Labels on every pod a Tributary job runs in (replication, spec, check, discover). The
 * Kubernetes launcher sets them; the pod-sweeper and operators select by them, e.g.
 * `kubectl get pods -l tributary=job-pod,tributary.io/connection-id=<id>`.
 * Vocabulary: no imports, so the launcher, the sweeper and tests share it.
 */

/** The marker: `tributary=job-pod` on every job pod and on nothing else. */
export const JOB_POD_LABEL = 'tributary';
export const JOB_POD_LABEL_VALUE = 'job-pod';
/** `sync`, `spec`, `check`, `discover` */
export const JOB_TYPE_LABEL = 'tributary.io/job-type';
export const JOB_ID_LABEL = 'tributary.io/job-id';
/** the attempt number (1, 2, ...) */
export const ATTEMPT_LABEL = 'tributary.io/attempt';
/** absent on spec/check/discover pods, which belong to no connection */
export const CONNECTION_ID_LABEL = 'tributary.io/connection-id';

/** Selects every job pod. */
export const JOB_POD_SELECTOR = `${JOB_POD_LABEL}=${JOB_POD_LABEL_VALUE}`;

export interface JobPodLabelValues {
  jobType: string;
  jobId: string;
  attempt: number;
  connectionId?: string;
}

/** The labels of one job pod; each value made a valid label value (see labelValue). */
export function jobPodLabels(values: JobPodLabelValues): Record<string, string> {
  return {
    [JOB_POD_LABEL]: JOB_POD_LABEL_VALUE,
    [JOB_TYPE_LABEL]: labelValue(values.jobType),
    [JOB_ID_LABEL]: labelValue(values.jobId),
    [ATTEMPT_LABEL]: String(values.attempt),
    ...(values.connectionId ? { [CONNECTION_ID_LABEL]: labelValue(values.connectionId) } : {}),
  };
}

/**
 * `text` as a label value: at most 63 characters of letters, digits, `-`, `_` and `.`, starting
 * and ending with a letter or digit. Ids (numbers, UUIDs) pass unchanged; anything else (a
 * workflow id with `:` or `/`) has those characters replaced by `-`.
 */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
