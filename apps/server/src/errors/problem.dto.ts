import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProblemFieldErrorDto {
  @ApiPropertyOptional({ description: 'JSON pointer (RFC 6901) into the request body, e.g. `#/configuration/port`', example: '#/name' })
  pointer?: string;

  @ApiPropertyOptional({ description: 'the path or query parameter at fault', example: 'workspaceId' })
  parameter?: string;

  @ApiProperty({ example: 'must be a string' })
  detail!: string;
}

/** RFC 9457 problem details, served as application/problem+json for every error. */
export class ProblemDto {
  @ApiProperty({ description: 'identifies the problem type', example: 'urn:tributary:problem:validation_failed' })
  type!: string;

  @ApiProperty({ example: 'Validation failed' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiPropertyOptional({ example: 'name must be a string' })
  detail?: string;

  @ApiPropertyOptional({ description: 'the request path', example: '/api/v1/workspaces' })
  instance?: string;

  @ApiProperty({ description: 'stable machine-readable code', example: 'validation_failed' })
  code!: string;

  @ApiPropertyOptional({ type: [ProblemFieldErrorDto], description: 'one entry per invalid field' })
  errors?: ProblemFieldErrorDto[];
}

export type Problem = ProblemDto;
