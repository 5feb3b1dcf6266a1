import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AirbyteCatalog } from '@tributary/protocol';
import { ActorEntity } from './actor.entity.js';
import { CreatedAt } from './columns.js';

/**
 * A catalog a source's `discover` returned. Rows are history (newest = current);
 * writers skip a catalog whose hash equals the newest one. Connections are configured
 * against it and keep the id of the one they used, for schema-change detection.
 */
@Entity({ name: 'actor_catalog' })
@Index('idx_actor_catalog_actor_created', ['actorId', 'createdAt'])
export class ActorCatalogEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_actor_catalog' })
  id!: string;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId!: string;

  @ManyToOne(() => ActorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_actor_catalog_actor' })
  actor?: ActorEntity;

  @Column({ type: 'jsonb' })
  catalog!: AirbyteCatalog;

  /** sha256 of the canonical catalog JSON */
  @Column({ name: 'catalog_hash', type: 'text' })
  catalogHash!: string;

  @CreatedAt()
  createdAt!: Date;
}
