import { DomainError, ErrorCode, type FieldError } from '@tributary/domain';
import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';

/** class-validator errors flattened to one entry per broken rule, with a JSON pointer path. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = `${parent}/${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/** Query and path DTO errors name a parameter, not a body pointer. */
class LocatingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
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
