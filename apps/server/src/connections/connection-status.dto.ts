import type { AttemptStats } from '@tributary/domain';
import { ApiProperty } from '@nestjs/swagger';
import { JOB_STATUSES, JOB_TYPES, StreamStatsDto } from '../jobs/job.dto.js';

/** A job's per-stream counts, plus the committed bytes live progress knows. */
export class StreamProgressDto extends StreamStatsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'estimated bytes of the committed records' })
  bytesCommitted!: number | null;
}

export class JobProgressDto {
  @ApiProperty({ description: 'the attempt these counts are from (1, 2, ...)' })
  attemptNumber!: number;
  @ApiProperty()
  recordsEmitted!: number;
  @ApiProperty()
  bytesEmitted!: number;
  @ApiProperty()
  recordsCommitted!: number;
  @ApiProperty({ type: Number, nullable: true })
  bytesCommitted!: number | null;
  @ApiProperty({ type: [StreamProgressDto] })
  streams!: StreamProgressDto[];
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

export class LastJobDto {
  @ApiProperty({ example: '41' })
  jobId!: string;
  @ApiProperty({ enum: JOB_TYPES })
  jobType!: (typeof JOB_TYPES)[number];
  @ApiProperty({ enum: JOB_STATUSES.filter((s) => s === 'succeeded' || s === 'failed' || s === 'cancelled') })
  status!: 'succeeded' | 'failed' | 'cancelled';
  @ApiProperty({ format: 'date-time' })
  endedAt!: string;
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
  return {
    attemptNumber,
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
    updatedAt: updatedAt.toISOString(),
  };
}
