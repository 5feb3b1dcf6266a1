import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ROLES, type Role } from '@tributary/domain';
import type { ApiTokenEntity } from '@tributary/db';
import { PageOf } from '../common/pagination.dto.js';
import { IsOmittable } from '../validation/request-body.js';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'ci deploys', minLength: 1, maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    enum: ROLES,
    required: false,
    description: "what the token may do: the caller's own role or a lower one (default: the caller's role)",
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiProperty({
    format: 'uuid',
    required: false,
    description: "the workspace of a workspace role (default: the caller's workspace); absent for instance_admin",
  })
  @IsOmittable()
  @IsUUID()
  workspaceId?: string;
}

export class ApiTokenResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'the first characters of the token, to recognise it', example: 'trb_AbCdEfGh' })
  prefix!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null for instance admins' })
  workspaceId!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUsedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;
}

export class CreatedApiTokenResponseDto extends ApiTokenResponseDto {
  @ApiProperty({ description: 'the token itself: shown only in this response, store it now' })
  token!: string;
}

export const ApiTokenPageDto = PageOf(ApiTokenResponseDto, 'ApiTokenPage');

export function toApiTokenResponse(entity: ApiTokenEntity): ApiTokenResponseDto {
  return {
    id: entity.id,
    name: entity.name,
    prefix: entity.prefix,
    role: entity.role,
    workspaceId: entity.workspaceId,
    createdAt: entity.createdAt.toISOString(),
    lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    revokedAt: entity.revokedAt?.toISOString() ?? null,
  };
}
