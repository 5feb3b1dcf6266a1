import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProblemFieldErrorDto {
  @ApiPropertyOptional({ description: 'JSON pointer (RFC 6901) into the request body, e.g. `#/configuration/port`', example: '#/name' })
  pointer?: string;

  @ApiPropertyOptional({ description: 'the path or query parameter at fault', example: 'workspaceId' })
  parameter?: string;

  @ApiProperty({ example: 'must be a string' })
  detail!: string;
}

export class ConnectorFailureDto {
  @ApiProperty({ enum: ['source', 'destination', 'replication', 'platform'], description: 'whose fault it was' })
  origin!: string;

  @ApiProperty({ description: 'Airbyte failure type: config_error, system_error or transient_error', example: 'config_error' })
  type!: string;

  @ApiProperty({ example: 'config.destination_path must be an absolute path' })
  message!: string;
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

  @ApiPropertyOptional({ description: 'job_already_running: the job that runs on the connection', example: '42' })
  runningJobId?: string;

  @ApiPropertyOptional({ type: ConnectorFailureDto, description: 'connector_failed, connector_config_error: what the connector reported' })
  failure?: ConnectorFailureDto;

  @ApiPropertyOptional({ format: 'uuid', description: 'workflow_call_failed: the connection that was saved (or deleted) nonetheless' })
  connectionId?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'connector_installing: when to ask again, in seconds (also the Retry-After header)', example: 15 })
  retryAfterSeconds?: number;
}

export type Problem = ProblemDto;
