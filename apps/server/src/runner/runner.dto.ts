/**
 * What a replication pod sends the runner routes: the shapes of libs/replication
 * (ReplicationProgress, ReplicationTotals, ReplicationState), libs/domain (LogEntry,
 * FailureReason) and libs/workflows (AttemptOutcome), as validated DTOs.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type { AttemptOutcome } from '@tributary/workflows';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';

export const MAX_LOG_ENTRIES_PER_CALL = 5000;
const MAX_STREAMS = 100_000;
const MAX_FAILURES = 1000;
/** a connector's line may be long; the body limit (5 MiB) caps a call anyway */
const MAX_TEXT = 5 * 1024 * 1024;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const ORIGINS = ['platform', 'source', 'destination', 'replication'] as const;
const STREAM_STATUSES = ['STARTED', 'RUNNING', 'COMPLETE', 'INCOMPLETE'] as const;
const FAILURE_TYPES = ['system_error', 'config_error', 'transient_error'] as const;
const ATTEMPT_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;
const ROLES = ['source', 'destination'] as const;

/** A count: a non-negative integer. */
const Count = (description?: string) => applyDecorators(ApiProperty({ type: 'integer', minimum: 0, ...(description ? { description } : {}) }), IsInt(), Min(0));
/** A rate or a duration: a non-negative number. */
const Amount = () => applyDecorators(ApiProperty({ type: 'number', minimum: 0 }), IsNumber({ allowNaN: false, allowInfinity: false }), Min(0));

export class RunnerSyncCountersDto {
  @Count()
  recordsEmitted!: number;
  @Count()
  bytesEmitted!: number;
  @Count()
  recordsCommitted!: number;
  @Count()
  bytesCommitted!: number;
}

export class RunnerStreamStatsDto extends RunnerSyncCountersDto {
  @ApiProperty()
  @IsString()
  @MaxLength(10_000)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  namespace?: string;
}

export class RunnerStreamProgressDto extends RunnerStreamStatsDto {
  @ApiPropertyOptional({ enum: STREAM_STATUSES, description: "the source's last TRACE STREAM_STATUS" })
  @IsOptional()
  @IsIn(STREAM_STATUSES)
  status?: (typeof STREAM_STATUSES)[number];

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  estimatedRecords?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  estimatedBytes?: number;
}

/** ReplicationTotals */
export class RunnerTotalsDto extends RunnerSyncCountersDto {
  @Count()
  stateMessagesEmitted!: number;
  @Count()
  stateMessagesCommitted!: number;
  @Count("bytes read from the source's stdout")
  sourceBytesRead!: number;
  @Count()
  invalidMessages!: number;
}

/** ReplicationProgress */
export class RunnerProgressDto extends RunnerTotalsDto {
  @Amount()
  elapsedMs!: number;
  @Amount()
  recordsPerSecond!: number;
  @Amount()
  bytesPerSecond!: number;

  @ApiProperty({ type: [RunnerStreamProgressDto] })
  @IsArray()
  @ArrayMaxSize(MAX_STREAMS)
  @ValidateNested({ each: true })
  @Type(() => RunnerStreamProgressDto)
  streams!: RunnerStreamProgressDto[];

  @ApiProperty({ description: 'the last report of the attempt' })
  @IsBoolean()
  done!: boolean;
}

export class RunnerStateDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'the full committed state (Airbyte STATE messages of one type: STREAM messages, or one GLOBAL or LEGACY message); empty: no state',
  })
  @IsArray()
  @ArrayMaxSize(MAX_STREAMS)
  @IsObject({ each: true })
  state!: Record<string, unknown>[];

  @ApiProperty({ type: RunnerTotalsDto, description: 'the totals at this commit' })
  @ValidateNested()
  @Type(() => RunnerTotalsDto)
  totals!: RunnerTotalsDto;
}

export class RunnerLogEntryDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'epoch milliseconds' })
  @IsInt()
  @Min(0)
  timestamp!: number;

  @ApiProperty({ enum: LOG_LEVELS })
  @IsIn(LOG_LEVELS)
  level!: (typeof LOG_LEVELS)[number];

  @ApiProperty({ enum: ORIGINS })
  @IsIn(ORIGINS)
  origin!: (typeof ORIGINS)[number];

  @ApiProperty({ description: "masked with the attempt's secrets before it is stored" })
  @IsString()
  @MaxLength(MAX_TEXT)
  message!: string;
}

export class RunnerLogsDto {
  @ApiProperty({ type: [RunnerLogEntryDto], maxItems: MAX_LOG_ENTRIES_PER_CALL, description: 'appended in this order; a call is at most 5,000 entries and a 5 MiB body' })
  @IsArray()
  @ArrayMaxSize(MAX_LOG_ENTRIES_PER_CALL)
  @ValidateNested({ each: true })
  @Type(() => RunnerLogEntryDto)
  entries!: RunnerLogEntryDto[];
}

export class RunnerConfigUpdateDto {
  @ApiProperty({ enum: ROLES, description: 'whose config: the source or the destination of the attempt' })
  @IsIn(ROLES)
  role!: (typeof ROLES)[number];

  @ApiProperty({ type: 'object', additionalProperties: true, description: "the connector's whole new config (CONTROL CONNECTOR_CONFIG), checked against its spec" })
  @IsObject()
  config!: Record<string, unknown>;
}

export class RunnerConfigUpdateResponseDto {
  @ApiProperty({ type: [String], description: 'the top-level fields that changed' })
  changedFields!: string[];
}

export class RunnerStreamDescriptorDto {
  @ApiProperty()
  @IsString()
  @MaxLength(10_000)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  namespace?: string;
}

/** FailureReason */
export class RunnerFailureDto {
  @ApiProperty({ enum: ORIGINS })
  @IsIn(ORIGINS)
  origin!: (typeof ORIGINS)[number];

  @ApiProperty({ enum: FAILURE_TYPES })
  @IsIn(FAILURE_TYPES)
  type!: (typeof FAILURE_TYPES)[number];

  @ApiProperty()
  @IsString()
  @MaxLength(MAX_TEXT)
  message!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  internalMessage?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  stackTrace?: string;

  @ApiPropertyOptional({ type: RunnerStreamDescriptorDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RunnerStreamDescriptorDto)
  stream?: RunnerStreamDescriptorDto;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'epoch milliseconds' })
  @IsInt()
  @Min(0)
  timestamp!: number;
}

/** AttemptOutcome */
export class RunnerOutcomeDto extends RunnerSyncCountersDto {
  @ApiProperty({ enum: ATTEMPT_STATUSES })
  @IsIn(ATTEMPT_STATUSES)
  status!: (typeof ATTEMPT_STATUSES)[number];

  @ApiProperty({ type: [RunnerFailureDto], description: 'the cause first' })
  @IsArray()
  @ArrayMaxSize(MAX_FAILURES)
  @ValidateNested({ each: true })
  @Type(() => RunnerFailureDto)
  failures!: RunnerFailureDto[];

  @ApiProperty({ type: [RunnerStreamStatsDto] })
  @IsArray()
  @ArrayMaxSize(MAX_STREAMS)
  @ValidateNested({ each: true })
  @Type(() => RunnerStreamStatsDto)
  streamStats!: RunnerStreamStatsDto[];
}

/** The validated body as libs/workflows' AttemptOutcome. */
export function toAttemptOutcome(body: RunnerOutcomeDto): AttemptOutcome {
  return {
    ...body,
    failures: body.failures.map(({ stream, ...failure }) => ({ ...failure, ...(stream ? { stream: { ...stream } } : {}) })),
  };
}
