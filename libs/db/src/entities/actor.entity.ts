import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ActorDefinitionEntity } from './actor-definition.entity.js';
import { CreatedAt, UpdatedAt, type ActorType } from './columns.js';
import { WorkspaceEntity } from './workspace.entity.js';

/** A configured source or destination. Secret fields of `configuration` are stored encrypted. */
@Entity({ name: 'actor' })
@Index('idx_actor_workspace', ['workspaceId'])
@Index('idx_actor_created', ['createdAt', 'id'])
export class ActorEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_actor' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_actor_workspace' })
  workspace?: WorkspaceEntity;

  @Column({ name: 'actor_definition_id', type: 'uuid' })
  actorDefinitionId!: string;

  @ManyToOne(() => ActorDefinitionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actor_definition_id', foreignKeyConstraintName: 'fk_actor_definition' })
  definition?: ActorDefinitionEntity;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: ActorType;

  @Column({ type: 'text' })
  name!: string;

  /** the connector config; values of airbyte_secret fields are encrypted envelopes (see secrets/) */
  @Column({ type: 'jsonb' })
  configuration!: Record<string, unknown>;

  /** the configuration a connector replaced with CONTROL CONNECTOR_CONFIG (secrets encrypted), null until one did */
  @Column({ name: 'previous_configuration', type: 'jsonb', nullable: true, select: false })
  previousConfiguration!: Record<string, unknown> | null;

  @Column({ name: 'configuration_updated_by_connector_at', type: 'timestamptz', nullable: true })
  configurationUpdatedByConnectorAt!: Date | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
