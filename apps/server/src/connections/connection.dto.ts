import { STREAM_SYNC_MODE_NAMES, type StreamSyncMode } from '@tributary/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQueryDto } from '../common/pagination.dto.js';
import { RESOURCE_REQUIREMENTS_DESCRIPTION, ResourceRequirementsDto } from '../common/resource-requirements.js';
import { IsOmittable, RequireSomeProperty } from '../validation/request-body.js';

export const SCHEDULE_TYPES = ['manual', 'basic', 'cron'] as const;
export const CONNECTION_STATUSES = ['active', 'inactive'] as const;
export const NAMESPACE_DEFINITIONS = ['source', 'destination', 'custom_format'] as const;
export const NON_BREAKING_CHANGES_POLICIES = ['ignore', 'disable', 'propagate_columns', 'propagate_fully'] as const;

export class StreamConfigurationDto {
  @ApiProperty({ example: 'users', minLength: 1 })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: "the stream's namespace in the source catalog, if it has one" })
  @IsOptional()
  @IsString()
  namespace?: string | null;

  @ApiProperty({ enum: STREAM_SYNC_MODE_NAMES, description: 'how records are read and written' })
  @IsIn(STREAM_SYNC_MODE_NAMES)
  syncMode!: StreamSyncMode;

  @ApiPropertyOptional({
    type: [String],
    description: 'path of the cursor field (incremental); default: the source-defined cursor',
    example: ['updated_at'],
  })
  @IsOmittable()
  @IsArray()
  @IsString({ each: true })
  cursorField?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
    description: 'paths of the primary key fields (dedup); default: the source-defined primary key',
    example: [['id']],
  })
  @IsOmittable()
  @IsArray()
  primaryKey?: string[][];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
    description:
      'the fields to sync, as paths of top-level fields (length 1); absent or empty: every field. ' +
      'Must include the cursor field of an incremental stream and the primary key fields of a dedup stream. ' +
      'The destination gets only these fields, in the stream schema and in every record.',
    example: [['id'], ['updated_at'], ['email']],
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10_000)
  selectedFields?: string[][];
}

export class ScheduleDto {
  @ApiProperty({
    enum: SCHEDULE_TYPES,
    description: 'manual: only on request; basic: every N minutes/hours; cron: a cron expression in a time zone',
  })
  @IsIn(SCHEDULE_TYPES)
  scheduleType!: (typeof SCHEDULE_TYPES)[number];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'basic (required): every this many time units', example: 6 })
  @ValidateIf((s: ScheduleDto) => s.scheduleType === 'basic')
  @IsInt()
  @Min(1)
  units?: number;

  @ApiPropertyOptional({ enum: ['minutes', 'hours'], description: 'basic (required)' })
  @ValidateIf((s: ScheduleDto) => s.scheduleType === 'basic')
  @IsIn(['minutes', 'hours'])
  timeUnit?: 'minutes' | 'hours';

  @ApiPropertyOptional({ description: 'cron (required): 5 or 6 fields (seconds first when 6)', example: '0 */6 * * *', minLength: 1 })
  @ValidateIf((s: ScheduleDto) => s.scheduleType === 'cron')
  @IsString()
  @IsNotEmpty()
  cronExpression?: string;

  @ApiPropertyOptional({ description: 'cron: IANA time zone; default UTC', example: 'Europe/Paris' })
  @IsOmittable()
  @IsString()
  timeZone?: string;
}

class ConnectionSettingsDto {
  @ApiPropertyOptional({ type: ScheduleDto, description: 'default: manual' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ScheduleDto)
  schedule?: ScheduleDto;

  @ApiPropertyOptional({ enum: CONNECTION_STATUSES, description: 'default: active' })
  @IsOmittable()
  @IsIn(CONNECTION_STATUSES)
  status?: (typeof CONNECTION_STATUSES)[number];

  @ApiPropertyOptional({
    enum: NAMESPACE_DEFINITIONS,
    description: 'where streams land in the destination; default: destination (its default schema)',
  })
  @IsOmittable()
  @IsIn(NAMESPACE_DEFINITIONS)
  namespaceDefinition?: (typeof NAMESPACE_DEFINITIONS)[number];

  @ApiPropertyOptional({ description: 'custom_format: e.g. `${SOURCE_NAMESPACE}_raw`', example: 'raw_${SOURCE_NAMESPACE}' })
  @ValidateIf((c: ConnectionSettingsDto) => c.namespaceDefinition === 'custom_format')
  @IsString()
  @Matches(/^[\w${}-]{1,63}$/, { message: 'must be letters, digits, _ - and ${SOURCE_NAMESPACE}' })
  namespaceFormat?: string;

  @ApiPropertyOptional({ description: 'prepended to every stream name in the destination', example: 'crm_' })
  @IsOmittable()
  @IsString()
  @Matches(/^\w{0,63}$/, { message: 'must be letters, digits and _' })
  prefix?: string;

  @ApiPropertyOptional({
    enum: NON_BREAKING_CHANGES_POLICIES,
    description: 'what a non-breaking source schema change does; default: ignore',
  })
  @IsOmittable()
  @IsIn(NON_BREAKING_CHANGES_POLICIES)
  nonBreakingChangesPolicy?: (typeof NON_BREAKING_CHANGES_POLICIES)[number];

  @ApiPropertyOptional({
    type: ResourceRequirementsDto,
    nullable: true,
    description: `the connection's own resources for its replication pods, ahead of its connectors' (null: none): ${RESOURCE_REQUIREMENTS_DESCRIPTION}`,
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ResourceRequirementsDto)
  resourceRequirements?: ResourceRequirementsDto | null;
}

export class CreateConnectionDto extends ConnectionSettingsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  sourceId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  destinationId!: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'default: "<source> → <destination>"' })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ type: [StreamConfigurationDto], description: "the streams to sync, from the source's discovered catalog" })
  @IsArray()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => StreamConfigurationDto)
  streams!: StreamConfigurationDto[];
}

@RequireSomeProperty()
export class UpdateConnectionDto extends ConnectionSettingsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    type: [StreamConfigurationDto],
    description: 'the whole new stream selection, checked against the newest catalog',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => StreamConfigurationDto)
  streams?: StreamConfigurationDto[];
}

export class ConnectionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ format: 'uuid' })
  workspaceId!: string;
  @ApiProperty({ format: 'uuid' })
  sourceId!: string;
  @ApiProperty({ format: 'uuid' })
  destinationId!: string;
  @ApiProperty({ type: [StreamConfigurationDto] })
  streams!: StreamConfigurationDto[];
  @ApiProperty({ type: ScheduleDto })
  schedule!: ScheduleDto;
  @ApiProperty({ enum: ['active', 'inactive', 'deprecated'] })
  status!: 'active' | 'inactive' | 'deprecated';
  @ApiProperty({ type: String, nullable: true, description: 'why the platform changed the status, e.g. a breaking schema change' })
  statusReason!: string | null;
  @ApiProperty({ enum: NAMESPACE_DEFINITIONS })
  namespaceDefinition!: (typeof NAMESPACE_DEFINITIONS)[number];
  @ApiProperty({ type: String, nullable: true })
  namespaceFormat!: string | null;
  @ApiProperty()
  prefix!: string;
  @ApiProperty({ enum: NON_BREAKING_CHANGES_POLICIES })
  nonBreakingChangesPolicy!: (typeof NON_BREAKING_CHANGES_POLICIES)[number];
  @ApiProperty({ type: ResourceRequirementsDto, nullable: true, description: `the connection's own resources (null: none): ${RESOURCE_REQUIREMENTS_DESCRIPTION}` })
  resourceRequirements!: ResourceRequirementsDto | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export const ConnectionPageDto = PageOf(ConnectionResponseDto, 'ConnectionPage');

/** What the connections list can be narrowed to, as a user sees a connection's status. */
export const CONNECTION_LIST_STATES = ['running', 'failed', 'disabled'] as const;
export type ConnectionListState = (typeof CONNECTION_LIST_STATES)[number];

export class ListConnectionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  workspaceId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  sourceId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  destinationId?: string;

  @ApiPropertyOptional({
    enum: CONNECTION_LIST_STATES,
    description: 'only connections a job runs for (`running`), whose last finished job failed (`failed`) or that are not active (`disabled`)',
  })
  @IsOptional()
  @IsIn(CONNECTION_LIST_STATES)
  state?: ConnectionListState;
}
