import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@tributary/domain';
import { CreatedAt } from './columns.js';
import { WorkspaceEntity } from './workspace.entity.js';

/**
 * An API credential. Only a SHA-256 hash of the token is stored; the token itself is shown once.
 * Its role says what it may do; a workspace role acts in `workspaceId` only.
 */
@Entity({ name: 'api_token' })
export class ApiTokenEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_token' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** hex SHA-256 of the whole token; tokens are random, so no salt or slow hash is needed */
  @Index('uq_api_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  /** the first characters of the token, to tell tokens apart in lists */
  @Column({ type: 'text' })
  prefix!: string;

  @Column({ type: 'text' })
  role!: Role;

  /** null for instance admins; deleting the workspace deletes its tokens */
  @Column({ name: 'workspace_id', type: 'uuid', nullable: true })
  workspaceId!: string | null;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_api_token_workspace' })
  workspace?: WorkspaceEntity;

  @CreatedAt()
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
