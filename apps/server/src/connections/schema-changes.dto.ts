import { ApiProperty } from '@nestjs/swagger';

export class StreamSchemaChangeDto {
  @ApiProperty({ description: '`namespace.name`, or `name` without a namespace', example: 'users' })
  stream!: string;

  @ApiProperty({ type: [String] })
  addedFields!: string[];

  @ApiProperty({ type: [String] })
  removedFields!: string[];

  @ApiProperty({ type: [String], description: 'fields whose JSON schema changed (e.g. their type)' })
  changedFields!: string[];

  @ApiProperty({ description: 'whether the change breaks the sync as configured (its cursor or primary key is gone or changed)' })
  breaking!: boolean;
}

export class SchemaChangesResponseDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: "the source's newest discovered catalog, compared; null before any discover" })
  catalogId!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'when that catalog was discovered' })
  discoveredAt!: string | null;

  @ApiProperty({ enum: ['no_change', 'non_breaking', 'breaking'] })
  schemaChange!: 'no_change' | 'non_breaking' | 'breaking';

  @ApiProperty({ type: [String], description: 'streams new to the source since the connection was configured' })
  addedStreams!: string[];

  @ApiProperty({ type: [String], description: 'streams the connection syncs that the source no longer has' })
  removedStreams!: string[];

  @ApiProperty({ type: [StreamSchemaChangeDto], description: 'streams the connection syncs whose fields changed' })
  changedStreams!: StreamSchemaChangeDto[];

  @ApiProperty({ type: [String], description: 'why the change is breaking, one line each (empty when it is not)' })
  breaking!: string[];
}
