import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { WorkspaceEntity } from '@tributary/db';
import { PageOf } from '../common/pagination.dto.js';
import { IsOmittable, RequireSomeProperty } from '../validation/request-body.js';

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'Analytics', minLength: 1, maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

@RequireSomeProperty()
export class UpdateWorkspaceDto {
  @ApiPropertyOptional({ example: 'Analytics', minLength: 1, maxLength: 200 })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;
}

export class WorkspaceResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export const WorkspacePageDto = PageOf(WorkspaceResponseDto, 'WorkspacePage');

export function toWorkspaceResponse(entity: WorkspaceEntity): WorkspaceResponseDto {
  return { id: entity.id, name: entity.name, createdAt: entity.createdAt.toISOString(), updatedAt: entity.updatedAt.toISOString() };
}
