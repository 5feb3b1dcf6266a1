/**
 * The labels of job pods (libs/domain's vocabulary, shared with the pod-sweeper): the
 * `tributary=job-pod` marker, the job type, job id, attempt and, on sync pods, the connection.
 */
export {
  ATTEMPT_LABEL,
  CONNECTION_ID_LABEL,
  JOB_ID_LABEL,
  JOB_POD_LABEL,
  JOB_POD_LABEL_VALUE,
  JOB_POD_SELECTOR,
  JOB_TYPE_LABEL,
  jobPodLabels,
  labelValue,
  type JobPodLabelValues,
} from '@tributary/domain';
