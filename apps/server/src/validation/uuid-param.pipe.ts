import { DomainError, ErrorCode } from '@tributary/domain';
import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path/query ids must be UUIDs; the error names the parameter. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string | undefined, string | undefined> {
  transform(value: string | undefined, metadata: ArgumentMetadata): string | undefined {
    if (value === undefined && metadata.type === 'query') return undefined;
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
    const parameter = metadata.data ?? 'id';
    throw new DomainError(ErrorCode.ValidationFailed, `${parameter} must be a UUID`, {
      fieldErrors: [{ path: parameter, message: 'must be a UUID', in: metadata.type === 'query' ? 'query' : 'path' }],
    });
  }
}
