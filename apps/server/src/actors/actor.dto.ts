import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { ActorEntity } from '@tributary/db';
import { PageOf, PageQueryDto } from '../common/pagination.dto.js';
import { IsOmittable, RequireSomeProperty } from '../validation/request-body.js';

const CONFIGURATION_DOC = {
  type: 'object',
  additionalProperties: true,
  description: "the connector configuration, valid against the definition's spec; secret fields read back as `**********`",
} as const;

export class CreateActorDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workspaceId!: string;

  @ApiProperty({ format: 'uuid', description: 'the connector definition' })
  @IsUUID()
  definitionId!: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty(CONFIGURATION_DOC)
  @IsObject()
  configuration!: Record<string, unknown>;
}

@RequireSomeProperty()
export class UpdateActorDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    ...CONFIGURATION_DOC,
    description: 'the whole new configuration; a secret field sent as `**********` keeps its stored value',
  })
  @IsOmittable()
  @IsObject()
  configuration?: Record<string, unknown>;
}

class ActorResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  workspaceId!: string;

  @ApiProperty({ format: 'uuid' })
  definitionId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ ...CONFIGURATION_DOC, description: 'secret fields are masked as `**********`' })
  configuration!: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ListActorsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only those of this workspace' })
  @IsOptional()
  @IsUUID()
  workspaceId?: string;
}

export class CreateSourceDto extends CreateActorDto {}
@RequireSomeProperty()
export class UpdateSourceDto extends UpdateActorDto {}
export class SourceResponseDto extends ActorResponseDto {}
export const SourcePageDto = PageOf(SourceResponseDto, 'SourcePage');

export class CreateDestinationDto extends CreateActorDto {}
@RequireSomeProperty()
export class UpdateDestinationDto extends UpdateActorDto {}
export class DestinationResponseDto extends ActorResponseDto {}
export const DestinationPageDto = PageOf(DestinationResponseDto, 'DestinationPage');

/** `maskedConfiguration` comes from the service, which knows the spec. */
export function toActorResponse(entity: ActorEntity, maskedConfiguration: Record<string, unknown>): ActorResponseDto {
  return {
    id: entity.id,
    workspaceId: entity.workspaceId,
    definitionId: entity.actorDefinitionId,
    name: entity.name,
    configuration: maskedConfiguration,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}
