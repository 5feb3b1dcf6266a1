import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ROLES, type Role } from '@tributary/domain';
import { CreatedAt, UpdatedAt } from './columns.js';
import { WorkspaceEntity } from './workspace.entity.js';

/** What a user may do: an instance admin everywhere (no workspace), the others in one workspace (libs/domain roles.ts). */
export type UserRole = Role;
export const USER_ROLES: readonly UserRole[] = ROLES;

/** A person who signs in to the web UI. `email` is stored lower-cased. */
@Entity({ name: 'app_user' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_app_user' })
  id!: string;

  @Index('uq_app_user_email', { unique: true })
  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  /** `scrypt$<N>$<r>$<p>$<salt>$<hash>` (see libs/db passwords.ts) */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text' })
  role!: UserRole;

  /** null for instance admins */
  @Column({ name: 'workspace_id', type: 'uuid', nullable: true })
  workspaceId!: string | null;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_app_user_workspace' })
  workspace?: WorkspaceEntity;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
