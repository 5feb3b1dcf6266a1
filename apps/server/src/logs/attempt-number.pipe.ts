import { DomainError, ErrorCode } from '@tributary/domain';
import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

export const MAX_ATTEMPT_NUMBER = 999_999_999;

/** Attempt numbers in paths are non-negative integers; the error names the parameter. */
@Injectable()
export class AttemptNumberPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    if (/^(0|[1-9]\d{0,8})$/.test(value)) return Number(value);
    const parameter = metadata.data ?? 'attemptNumber';
    throw new DomainError(ErrorCode.ValidationFailed, `${parameter} must be an attempt number`, {
      fieldErrors: [{ path: parameter, message: 'must be a non-negative integer', in: 'path' }],
    });
  }
}
