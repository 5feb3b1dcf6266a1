import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsObject } from 'class-validator';

export const STATE_TYPES = ['legacy', 'global', 'stream'] as const;
export type StateType = (typeof STATE_TYPES)[number];

const STATE_MESSAGES_DOC = {
  type: 'array',
  items: { type: 'object', additionalProperties: true },
  description: 'Airbyte STATE messages whose `type` matches `stateType`: one LEGACY or GLOBAL message, or one STREAM message per stream',
} as const;

export class ConnectionStateResponseDto {
  @ApiProperty({ format: 'uuid' })
  connectionId!: string;

  @ApiProperty({ enum: ['none', ...STATE_TYPES], description: 'none: no state committed yet (the next sync starts from scratch)' })
  stateType!: 'none' | StateType;

  @ApiProperty(STATE_MESSAGES_DOC)
  state!: Record<string, unknown>[];

  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  updatedAt!: string | null;
}

export class ReplaceStateDto {
  @ApiProperty({ enum: STATE_TYPES })
  @IsIn(STATE_TYPES)
  stateType!: StateType;

  @ApiProperty(STATE_MESSAGES_DOC)
  @IsArray()
  @ArrayMaxSize(100_000)
  @IsObject({ each: true })
  state!: Record<string, unknown>[];
}
