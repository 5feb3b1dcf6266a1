/**
 * Typed errors for domain code shared by the server and the worker. The server maps each
 * code to an HTTP status in one exhaustive switch; the worker maps them to Temporal failures
 * in one place. Never throw HTTP exceptions from code the worker also runs.
 */
export enum ErrorCode {
  NotFound = 'not_found',
  ValidationFailed = 'validation_failed',
  InvalidConfiguration = 'invalid_configuration',
  Conflict = 'conflict',
  Unauthenticated = 'unauthenticated',
  /** the credential is valid but its role may not do this (a resource outside its workspace is NotFound instead) */
  Forbidden = 'forbidden',
  /** the definition's spec is not cached yet (no worker has run `spec`) */
  SpecUnavailable = 'spec_unavailable',
  SecretDecryptionFailed = 'secret_decryption_failed',
  /** a dependency (database, Temporal) is down; the client may retry */
  Unavailable = 'unavailable',
}

/**
 * One problem with the input: `path` is a JSON pointer (`/credentials/password`) into
 * the body, or the name of a path/query parameter.
 */
export interface FieldError {
  path: string;
  message: string;
  in?: 'body' | 'path' | 'query';
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { fieldErrors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string): DomainError =>
  new DomainError(ErrorCode.NotFound, `${what} ${id} not found`, { resource: what, id });
