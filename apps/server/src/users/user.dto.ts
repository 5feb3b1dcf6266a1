import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '@tributary/domain';
import type { UserEntity } from '@tributary/db';
import { PageOf } from '../common/pagination.dto.js';
import { UserResponseDto } from '../sessions/session.dto.js';
import { IsOmittable, RequireSomeProperty } from '../validation/request-body.js';

export class CreateUserDto {
  @ApiProperty({ example: 'ana@example.com', format: 'email', maxLength: 320, description: 'stored lower-cased; signing in ignores case' })
  // spaces around a pasted address are no reason to refuse it
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'Ana Lyst', minLength: 1, maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ROLES, description: "what the user may do: the caller's own role or a lower one" })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "the workspace of a workspace role (default: the caller's workspace); absent for instance_admin",
  })
  @IsOmittable()
  @IsUUID()
  workspaceId?: string;

  @ApiPropertyOptional({
    minLength: 12,
    maxLength: 1024,
    format: 'password',
    description: 'the first password; when absent one is generated and answered once (`initialPassword`)',
  })
  @IsOmittable()
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password?: string;
}

@RequireSomeProperty()
export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Ana Lyst', minLength: 1, maxLength: 200 })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, description: "the caller's own role or a lower one; not the caller's own" })
  @IsOmittable()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'the workspace of a workspace role (default: the one the user is in now)' })
  @IsOmittable()
  @IsUUID()
  workspaceId?: string;
}

export class UserDetailsDto extends UserResponseDto {
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class CreatedUserResponseDto extends UserDetailsDto {
  @ApiPropertyOptional({ description: 'the generated first password, shown only in this response (absent when the request set one)' })
  initialPassword?: string;
}

export const UserPageDto = PageOf(UserDetailsDto, 'UserPage');

export function toUserDetails(user: UserEntity): UserDetailsDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    workspaceId: user.workspaceId,
    createdAt: user.createdAt.toISOString(),
  };
}
