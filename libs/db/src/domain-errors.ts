/**
 * Typed errors for domain code shared by the server and the worker. The server maps
 * each code to an HTTP status in one exhaustive switch; the worker maps them to
 * Temporal failures. Never throw HTTP exceptions from code the worker also runs.
 */
export enum ErrorCode {
  NotFound = 'not_found',
  ValidationFailed = 'validation_failed',
  InvalidConfiguration = 'invalid_configuration',
  Conflict = 'conflict',
  Unauthenticated = 'unauthenticated',
  SecretDecryptionFailed = 'secret_decryption_failed',
}

/** One problem with the input, located by a JSON pointer-like path (`/credentials/password`). */
export interface FieldError {
  path: string;
  message: string;
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

export const notFound = (what: string, id: string): DomainError => new DomainError(ErrorCode.NotFound, `${what} ${id} not found`, { resource: what, id });
