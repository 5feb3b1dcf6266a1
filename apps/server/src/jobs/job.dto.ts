import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import type { AttemptStats } from '@tributary/domain';
import type { AttemptEntity, JobEntity } from '@tributary/db';
import { PageOf, PageQueryDto } from '../common/pagination.dto.js';
import { IsDateTime } from '../validation/date-time.js';
import { IsOmittable } from '../validation/request-body.js';

export const JOB_TYPES = ['sync', 'clear', 'refresh'] as const;
export const JOB_STATUSES = ['pending', 'running', 'incomplete', 'failed', 'succeeded', 'cancelled'] as const;

export class StreamDescriptorDto {
  @ApiProperty()
  name!: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  namespace?: string | null;
}

export class StreamStatsDto {
  @ApiProperty()
  name!: string;
  @ApiProperty({ type: String, nullable: true })
  namespace!: string | null;
  @ApiProperty()
  recordsEmitted!: number;
  @ApiProperty()
  bytesEmitted!: number;
  @ApiProperty({ description: 'records the destination confirmed (state committed)' })
  recordsCommitted!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'estimated bytes of the committed records (null for syncs recorded before it was counted)' })
  bytesCommitted!: number | null;
}

export class AttemptStatsDto {
  @ApiProperty()
  recordsEmitted!: number;
  @ApiProperty()
  bytesEmitted!: number;
  @ApiProperty()
  recordsCommitted!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'estimated bytes of the committed records (null for syncs recorded before it was counted)' })
  bytesCommitted!: number | null;
  @ApiProperty({ type: [StreamStatsDto] })
  streams!: StreamStatsDto[];
}

/** The API's view of stored attempt stats (also what live progress shows). */
export function toAttemptStatsDto(stats: AttemptStats): AttemptStatsDto {
  return {
    recordsEmitted: stats.recordsEmitted,
    bytesEmitted: stats.bytesEmitted,
    recordsCommitted: stats.recordsCommitted,
    bytesCommitted: stats.bytesCommitted ?? null,
    streams: (stats.streams ?? []).map((s) => ({
      name: s.name,
      namespace: s.namespace ?? null,
      recordsEmitted: s.recordsEmitted,
      bytesEmitted: s.bytesEmitted,
      recordsCommitted: s.recordsCommitted,
      bytesCommitted: s.bytesCommitted ?? null,
    })),
  };
}

export class FailureReasonDto {
  @ApiProperty({ enum: ['source', 'destination', 'replication', 'platform'], description: 'whose fault it was' })
  origin!: string;
  @ApiProperty({ description: 'Airbyte failure type, e.g. config_error, system_error, transient_error' })
  type!: string;
  @ApiProperty()
  message!: string;
  @ApiPropertyOptional()
  internalMessage?: string;
  @ApiPropertyOptional({ type: StreamDescriptorDto })
  stream?: StreamDescriptorDto;
  @ApiProperty({ format: 'date-time' })
  timestamp!: string;
}

export class AttemptResponseDto {
  @ApiProperty({ description: '1, 2, ... within the job', example: 1 })
  attemptNumber!: number;
  @ApiProperty({ enum: ['running', 'failed', 'succeeded', 'cancelled'] })
  status!: string;
  @ApiProperty({ type: AttemptStatsDto, nullable: true })
  stats!: AttemptStatsDto | null;
  @ApiProperty({ type: [FailureReasonDto] })
  failureReasons!: FailureReasonDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'after a failed attempt, whether and why the job retried it: "retried in 10 s: transient error from the source (stream customers)" or "not retried: ..."',
    example: 'retried in 10 s: transient error from the source (stream customers)',
  })
  nextStep!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  endedAt!: string | null;
}

export class JobResponseDto {
  @ApiProperty({ description: 'sequential job number', example: '42' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  connectionId!: string;
  @ApiProperty({ enum: JOB_TYPES })
  jobType!: (typeof JOB_TYPES)[number];
  @ApiProperty({ enum: JOB_STATUSES })
  status!: (typeof JOB_STATUSES)[number];
  @ApiProperty({ type: [StreamDescriptorDto], nullable: true, description: 'clear/refresh of some streams only; null = all' })
  streams!: StreamDescriptorDto[] | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class JobWithAttemptsResponseDto extends JobResponseDto {
  @ApiProperty({ type: [AttemptResponseDto] })
  attempts!: AttemptResponseDto[];
}

export const JobPageDto = PageOf(JobResponseDto, 'JobPage');

export class JobStreamDto {
  @ApiProperty({ example: 'users', minLength: 1 })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  namespace?: string | null;
}

export class CreateJobDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  connectionId!: string;

  @ApiProperty({
    enum: JOB_TYPES,
    description: 'sync: replicate from the committed state; clear: empty the streams in the destination and forget their state; refresh: forget the state and sync from scratch',
  })
  @IsIn(JOB_TYPES)
  jobType!: (typeof JOB_TYPES)[number];

  @ApiPropertyOptional({ type: [JobStreamDto], description: 'clear/refresh: only these configured streams (default: all of them)' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => JobStreamDto)
  streams?: JobStreamDto[];
}

export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: (typeof JOB_STATUSES)[number];

  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  jobType?: (typeof JOB_TYPES)[number];

  @ApiPropertyOptional({ format: 'date-time', description: 'created at or after' })
  @IsOptional()
  @IsDateTime()
  createdAfter?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'created before' })
  @IsOptional()
  @IsDateTime()
  createdBefore?: string;
}

export function toJobResponse(job: JobEntity): JobResponseDto {
  return {
    id: job.id,
    connectionId: job.connectionId,
    jobType: job.jobType,
    status: job.status,
    streams: job.streams?.map((s) => ({ name: s.name, namespace: s.namespace ?? null })) ?? null,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

export function toAttemptResponse(attempt: AttemptEntity): AttemptResponseDto {
  const stats = attempt.stats;
  return {
    attemptNumber: attempt.attemptNumber,
    status: attempt.status,
    stats: stats ? toAttemptStatsDto(stats) : null,
    failureReasons: attempt.failureReasons.map((f) => ({
      origin: f.origin,
      type: f.type,
      message: f.message,
      ...(f.internalMessage ? { internalMessage: f.internalMessage } : {}),
      ...(f.stream ? { stream: { name: f.stream.name, namespace: f.stream.namespace ?? null } } : {}),
      timestamp: new Date(f.timestamp).toISOString(),
    })),
    nextStep: attempt.nextStep,
    createdAt: attempt.createdAt.toISOString(),
    updatedAt: attempt.updatedAt.toISOString(),
    endedAt: attempt.endedAt?.toISOString() ?? null,
  };
}
