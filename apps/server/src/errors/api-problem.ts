/**
 * Problems only the API produces (orchestration through Temporal: no worker, a timeout,
 * a connector that failed, a job already running). Domain code shared with the worker
 * throws libs/db's DomainError instead; both become problem+json in ProblemDetailsFilter.
 */

/** Extension members a problem may carry besides the RFC 9457 ones (documented in ProblemDto). */
export interface ProblemExtensions {
  /** the request fields at fault, as in validation problems */
  errors?: { pointer: string; detail: string }[];
  /** the job that holds the connection's single running-job slot */
  runningJobId?: string;
  /** what the connector reported */
  failure?: { origin: string; type: string; message: string };
  /** the connection the request saved before its workflow call failed */
  connectionId?: string;
  /** when to ask again (also sent as the Retry-After header) */
  retryAfterSeconds?: number;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    /** stable machine-readable code, e.g. `worker_unavailable` */
    readonly code: string,
    readonly title: string,
    /** human-readable detail: what happened and what to do */
    message: string,
    readonly extensions: ProblemExtensions = {},
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}
