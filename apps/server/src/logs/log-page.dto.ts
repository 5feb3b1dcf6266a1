import type { LogEntry } from '@tributary/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { LogPage } from '@tributary/storage';
import { QueryInteger } from '../common/pagination.dto.js';

export const DEFAULT_LOG_PAGE_SIZE = 1000;
export const MAX_LOG_PAGE_SIZE = 10_000;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const LOG_ORIGINS = ['platform', 'source', 'destination', 'replication'] as const;

export class LogPageQueryDto {
  @ApiPropertyOptional({ description: "the previous page's nextCursor; omit for the first page", maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_LOG_PAGE_SIZE, default: DEFAULT_LOG_PAGE_SIZE })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_LOG_PAGE_SIZE)
  limit?: number;
}

export class LogEntryDto {
  @ApiProperty({ format: 'date-time' })
  timestamp!: string;
  @ApiProperty({ enum: LOG_LEVELS })
  level!: (typeof LOG_LEVELS)[number];
  @ApiProperty({ enum: LOG_ORIGINS, description: 'who wrote the line: the platform or one of the connectors' })
  origin!: (typeof LOG_ORIGINS)[number];
  @ApiProperty({ description: 'secrets of the connection are masked as **********' })
  message!: string;
}

export class LogPageDto {
  @ApiProperty({ type: [LogEntryDto], description: 'oldest first' })
  entries!: LogEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null once the end of the log is reached' })
  nextCursor!: string | null;
}

function toLogEntryResponse(entry: LogEntry): LogEntryDto {
  return { timestamp: new Date(entry.timestamp).toISOString(), level: entry.level, origin: entry.origin, message: entry.message };
}

export function toLogPageResponse(page: LogPage): LogPageDto {
  return { entries: page.entries.map(toLogEntryResponse), nextCursor: page.nextCursor };
}
