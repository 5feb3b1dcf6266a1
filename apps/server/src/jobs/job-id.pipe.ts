import { DomainError, ErrorCode } from '@tributary/domain';
import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

/** Job ids are positive bigints, kept as strings. */
export const JOB_ID = /^[1-9]\d{0,17}$/;

@Injectable()
export class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (JOB_ID.test(value)) return value;
    const parameter = metadata.data ?? 'jobId';
    throw new DomainError(ErrorCode.ValidationFailed, `${parameter} must be a job number`, {
      fieldErrors: [{ path: parameter, message: 'must be a positive integer', in: 'path' }],
    });
  }
}
