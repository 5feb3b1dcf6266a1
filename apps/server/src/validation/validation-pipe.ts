import { DomainError, ErrorCode, type FieldError } from '@tributary/domain';
import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { requiresSomeProperty } from './request-body.js';

/** class-validator errors flattened to one entry per broken rule, with a JSON pointer path. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = `${parent}/${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const bodyError = (message: string) => new DomainError(ErrorCode.ValidationFailed, `the request body ${message}`, { fieldErrors: [{ path: '', message }] });

/**
 * A DTO body is a JSON object; no body at all reads as `{}` (its required properties are then
 * missing). class-transformer would otherwise make `null`, `[]` or `"x"` an empty, valid DTO.
 */
function checkBodyShape(value: unknown, metadata: ArgumentMetadata): unknown {
  if (metadata.type !== 'body' || typeof metadata.metatype !== 'function' || metadata.metatype === Object) return value;
  const body = value === undefined ? {} : value;
  if (!isPlainObject(body)) throw bodyError('must be a JSON object');
  if (requiresSomeProperty(metadata.metatype) && Object.keys(body).length === 0) throw bodyError('must set at least one property');
  return body;
}

/** Query and path DTO errors name a parameter, not a body pointer. */
class LocatingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const checked = checkBodyShape(value, metadata);
    try {
      return await super.transform(checked, metadata);
    } catch (error) {
      const location: FieldError['in'] = metadata.type === 'query' ? 'query' : metadata.type === 'param' ? 'path' : undefined;
      if (!(error instanceof DomainError) || !location || !error.details.fieldErrors) throw error;
      const fieldErrors = error.details.fieldErrors.map((e) => ({ ...e, path: e.path.replace(/^\//, ''), in: location }));
      throw new DomainError(error.code, error.message, { ...error.details, fieldErrors });
    }
  }
}

/** DTO validation: unknown properties are rejected, the error names every bad field. */
export function createValidationPipe(): ValidationPipe {
  return new LocatingValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      return new DomainError(ErrorCode.ValidationFailed, fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; '), { fieldErrors });
    },
  });
}
