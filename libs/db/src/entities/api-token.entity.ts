import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from './columns.js';

/** An API credential. Only a SHA-256 hash of the token is stored; the token itself is shown once. */
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

  @CreatedAt()
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
