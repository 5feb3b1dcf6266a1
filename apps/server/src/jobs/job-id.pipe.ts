import { DomainError, ErrorCode } from '@tributary/domain';
import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

/** Job ids are positive bigints, kept as strings. */
@Injectable()
export class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (/^[1-9]\d{0,17}$/.test(value)) return value;
    const parameter = metadata.data ?? 'jobId';
    throw new DomainError(ErrorCode.ValidationFailed, `${parameter} must be a job number`, {
      fieldErrors: [{ path: parameter, message: 'must be a positive integer', in: 'path' }],
    });
  }
}
