import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsUUID } from 'class-validator';
import type { ActorCatalogEntity } from '@tributary/db';
import type { AirbyteStream } from '@tributary/protocol';
import { IsOmittable } from '../validation/request-body.js';

const CONFIGURATION = { type: 'object', additionalProperties: true } as const;

/** `POST /sources/check`, `POST /destinations/check`: a configuration that is not saved (yet). */
export class CheckConfigurationDto {
  @ApiProperty({ format: 'uuid', description: 'the connector definition' })
  @IsUUID()
  definitionId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the workspace the connector is for (checked to exist)' })
  @IsOmittable()
  @IsUUID()
  workspaceId?: string;

  @ApiProperty({ ...CONFIGURATION, description: "the connector configuration, validated against the definition's spec first" })
  @IsObject()
  configuration!: Record<string, unknown>;
}

/** `POST /sources/{id}/check`: the saved configuration, or an edited one (not saved). */
export class CheckSavedActorDto {
  @ApiPropertyOptional({
    ...CONFIGURATION,
    description:
      'check this configuration instead of the saved one, without saving it; a secret sent as `**********` keeps its stored value',
  })
  @IsOmittable()
  @IsObject()
  configuration?: Record<string, unknown>;
}

export class CheckConnectionResponseDto {
  @ApiProperty({ enum: ['succeeded', 'failed'], description: "the connector's verdict: can it connect with this configuration?" })
  status!: 'succeeded' | 'failed';

  @ApiProperty({ type: String, nullable: true, description: 'why it failed, as the connector says (secrets masked)' })
  message!: string | null;
}

export class SaveActorQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      'run the connector\'s `check` on a worker first and save only if it succeeds (422 check_failed otherwise). Off by default: saving needs no worker, and a source that is down for now can still be set up',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'check must be true or false' })
  check?: boolean;
}

export class DiscoverSchemaQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'run discover even when a catalog is stored (default: return the newest stored one)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'refresh must be true or false' })
  refresh?: boolean;
}

export class DiscoveredStreamDto {
  @ApiProperty({ example: 'users' })
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  namespace!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "JSON Schema of the stream's records" })
  jsonSchema!: Record<string, unknown>;

  @ApiProperty({ enum: ['full_refresh', 'incremental'], isArray: true })
  supportedSyncModes!: string[];

  @ApiProperty({ description: 'the source decides the cursor (incremental)' })
  sourceDefinedCursor!: boolean;

  @ApiProperty({ type: [String], description: 'the cursor the source suggests; empty if none', example: ['updated_at'] })
  defaultCursorField!: string[];

  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
    description: 'the primary key the source defines; empty if none',
    example: [['id']],
  })
  sourceDefinedPrimaryKey!: string[][];
}

export class SourceSchemaResponseDto {
  @ApiProperty({ format: 'uuid', description: 'the stored catalog; connections are configured against the newest one' })
  catalogId!: string;

  @ApiProperty({ format: 'uuid' })
  sourceId!: string;

  @ApiProperty({ type: [DiscoveredStreamDto] })
  streams!: DiscoveredStreamDto[];

  @ApiProperty({ format: 'date-time', description: 'when this catalog was first discovered' })
  discoveredAt!: string;

  @ApiProperty({ description: 'true: the stored catalog was returned without running discover' })
  cached!: boolean;
}

export function toDiscoveredStream(stream: AirbyteStream): DiscoveredStreamDto {
  return {
    name: stream.name,
    namespace: stream.namespace ?? null,
    jsonSchema: stream.json_schema,
    supportedSyncModes: stream.supported_sync_modes,
    sourceDefinedCursor: stream.source_defined_cursor ?? false,
    defaultCursorField: stream.default_cursor_field ?? [],
    sourceDefinedPrimaryKey: stream.source_defined_primary_key ?? [],
  };
}

export function toSourceSchemaResponse(catalog: ActorCatalogEntity, cached: boolean): SourceSchemaResponseDto {
  return {
    catalogId: catalog.id,
    sourceId: catalog.actorId,
    streams: catalog.catalog.streams.map(toDiscoveredStream),
    discoveredAt: catalog.createdAt.toISOString(),
    cached,
  };
}
