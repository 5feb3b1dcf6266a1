import type { AttemptStats } from '@tributary/domain';
import { ApiProperty } from '@nestjs/swagger';
import { AttemptStatsDto, JOB_STATUSES, JOB_TYPES, toAttemptStatsDto } from '../jobs/job.dto.js';

/** Live progress of a running job: its attempt's counts so far. */
export class JobProgressDto extends AttemptStatsDto {
  @ApiProperty({ description: 'the attempt these counts are from (1, 2, ...)' })
  attemptNumber!: number;
  @ApiProperty({ format: 'date-time', description: 'when these counts were last updated' })
  updatedAt!: string;
}

export class RunningJobDto {
  @ApiProperty({ example: '42' })
  jobId!: string;
  @ApiProperty({ enum: JOB_TYPES })
  jobType!: (typeof JOB_TYPES)[number];
  @ApiProperty({ format: 'date-time' })
  startedAt!: string;
  @ApiProperty({ type: JobProgressDto, nullable: true, description: "the latest attempt's counts; null until it reports any" })
  progress!: JobProgressDto | null;
}

export class LastJobFailureDto {
  @ApiProperty({ enum: ['source', 'destination', 'replication', 'platform'], description: 'whose fault it was' })
  origin!: string;
  @ApiProperty({ example: 'config_error' })
  type!: string;
  @ApiProperty({ description: 'masked of secrets, as stored' })
  message!: string;
}

export class LastJobDto {
  @ApiProperty({ example: '41' })
  jobId!: string;
  @ApiProperty({ enum: JOB_TYPES })
  jobType!: (typeof JOB_TYPES)[number];
  @ApiProperty({ enum: JOB_STATUSES.filter((s) => s === 'succeeded' || s === 'failed' || s === 'cancelled') })
  status!: 'succeeded' | 'failed' | 'cancelled';
  @ApiProperty({ format: 'date-time' })
  endedAt!: string;
  @ApiProperty({
    type: LastJobFailureDto,
    nullable: true,
    description: "why a failed job failed: its last attempt's first failure reason (null otherwise)",
  })
  failureReason!: LastJobFailureDto | null;
}

export class ConnectionStatusResponseDto {
  @ApiProperty({ format: 'uuid' })
  connectionId!: string;
  @ApiProperty({ enum: ['active', 'inactive', 'deprecated'] })
  status!: 'active' | 'inactive' | 'deprecated';
  @ApiProperty({ type: RunningJobDto, nullable: true, description: 'the job running now, with live progress' })
  running!: RunningJobDto | null;
  @ApiProperty({ type: LastJobDto, nullable: true, description: 'the most recent finished job' })
  lastSync!: LastJobDto | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when the schedule runs the next sync; null for a manual schedule, while a job runs, or when the workflow cannot tell now',
  })
  nextRunAt!: string | null;
}

export function toJobProgress(attemptNumber: number, stats: AttemptStats, updatedAt: Date): JobProgressDto {
  return { attemptNumber, ...toAttemptStatsDto(stats), updatedAt: updatedAt.toISOString() };
}
