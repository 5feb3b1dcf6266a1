import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { ConnectionTriggerEntity } from '@tributary/db';
import { PageOf } from '../common/pagination.dto.js';

export class CreateTriggerDto {
  @ApiProperty({ example: 'after the dbt run', minLength: 1, maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

export class TriggerResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  connectionId!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ description: 'the first characters of the token, to recognise it', example: 'trt_AbCdEfGh' })
  prefix!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  lastFiredAt!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  revokedAt!: string | null;
}

export class CreatedTriggerResponseDto extends TriggerResponseDto {
  @ApiProperty({ description: 'POST to this URL (no body, no header) to start a sync: shown only in this response, it holds the token' })
  url!: string;
}

export class FiredTriggerResponseDto {
  @ApiProperty({ description: 'the sync job it started', example: '42' })
  jobId!: string;
}

export const TriggerPageDto = PageOf(TriggerResponseDto, 'ConnectionTriggerPage');

export function toTriggerResponse(entity: ConnectionTriggerEntity): TriggerResponseDto {
  return {
    id: entity.id,
    connectionId: entity.connectionId,
    name: entity.name,
    prefix: entity.prefix,
    createdAt: entity.createdAt.toISOString(),
    lastFiredAt: entity.lastFiredAt?.toISOString() ?? null,
    revokedAt: entity.revokedAt?.toISOString() ?? null,
  };
}
