import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ConnectionEntity } from './connection.entity.js';
import { CreatedAt } from './columns.js';

/**
 * A URL that starts a sync of its connection when something outside POSTs to it (a CI job, an
 * upstream system's webhook). The token in the URL is stored only as a SHA-256 hash, like API tokens.
 */
@Entity({ name: 'connection_trigger' })
@Index('ix_connection_trigger_connection', ['connectionId', 'createdAt'])
export class ConnectionTriggerEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_connection_trigger' })
  id!: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @ManyToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_connection_trigger_connection' })
  connection?: ConnectionEntity;

  @Column({ type: 'text' })
  name!: string;

  @Index('uq_connection_trigger_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  /** the first characters of the token, to tell triggers apart */
  @Column({ type: 'text' })
  prefix!: string;

  @CreatedAt()
  createdAt!: Date;

  /** the last time it started (or tried to start) a sync: the rate limit counts from here */
  @Column({ name: 'last_fired_at', type: 'timestamptz', nullable: true })
  lastFiredAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
