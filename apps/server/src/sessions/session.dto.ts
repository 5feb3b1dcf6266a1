import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { USER_ROLES, type UserEntity, type UserRole } from '@tributary/db';

export class CreateSessionDto {
  @ApiProperty({ example: 'admin@tributary.local', minLength: 1, maxLength: 320 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password!: string;
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: USER_ROLES, description: 'instance_admin everywhere; the workspace roles in `workspaceId` only' })
  role!: UserRole;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null for instance admins' })
  workspaceId!: string | null;
}

export class SessionResponseDto {
  @ApiProperty({ format: 'date-time', description: 'the session stops working then; sign in again' })
  expiresAt!: string;

  @ApiProperty({ type: UserResponseDto })
  user!: UserResponseDto;
}

export class CreatedSessionResponseDto extends SessionResponseDto {
  @ApiProperty({ description: 'the session credential (`trs_...`), sent as `Authorization: Bearer`; shown only in this response' })
  token!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 1024, format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ minLength: 12, maxLength: 1024, format: 'password' })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  newPassword!: string;
}

export function toUserResponse(user: UserEntity): UserResponseDto {
  return { id: user.id, email: user.email, name: user.name, role: user.role, workspaceId: user.workspaceId };
}
