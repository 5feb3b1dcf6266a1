import { ErrorCode } from '@tributary/domain';


/** HTTP status and title of each domain error code; adding a code without a case fails to compile. */
export function httpStatusFor(code: ErrorCode): { status: number; title: string } {
  switch (code) {
    case ErrorCode.NotFound:
      return { status: 404, title: 'Not found' };
    case ErrorCode.ValidationFailed:
      return { status: 400, title: 'Validation failed' };
    case ErrorCode.InvalidConfiguration:
      return { status: 422, title: 'Invalid connector configuration' };
    case ErrorCode.Conflict:
      return { status: 409, title: 'Conflict' };
    case ErrorCode.Unauthenticated:
      return { status: 401, title: 'Unauthenticated' };
    case ErrorCode.Forbidden:
      return { status: 403, title: 'Forbidden' };
    case ErrorCode.SpecUnavailable:
      return { status: 503, title: 'Connector spec unavailable' };
    case ErrorCode.Unavailable:
      return { status: 503, title: 'Service unavailable' };
    case ErrorCode.SecretDecryptionFailed:
      return { status: 500, title: 'Stored secret unreadable' };
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped error code ${String(unmapped)}`);
    }
  }
}
