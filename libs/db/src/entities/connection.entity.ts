import type { ResourceRequirements, StreamFieldSelection } from '@tributary/domain';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { ActorCatalogEntity } from './actor-catalog.entity.js';
import { ActorEntity } from './actor.entity.js';
import { CreatedAt, UpdatedAt } from './columns.js';
import type { ConnectionSchedule } from '@tributary/workflows';

export type ConnectionStatus = 'active' | 'inactive' | 'deprecated';
export type NamespaceDefinition = 'source' | 'destination' | 'custom_format';
export type NonBreakingChangesPolicy = 'ignore' | 'disable' | 'propagate_columns' | 'propagate_fully';

/** When a connection syncs on its own: the workflow contract's type, so the column and the scheduler cannot disagree. */
export type { ConnectionSchedule };

/** A source -> destination pipe with its configured streams and schedule. */
@Entity({ name: 'connection' })
@Index('idx_connection_source', ['sourceId'])
@Index('idx_connection_destination', ['destinationId'])
@Index('idx_connection_created', ['createdAt', 'id'])
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_connection' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @ManyToOne(() => ActorEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'fk_connection_source' })
  source?: ActorEntity;

  @Column({ name: 'destination_id', type: 'uuid' })
  destinationId!: string;

  @ManyToOne(() => ActorEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'destination_id', foreignKeyConstraintName: 'fk_connection_destination' })
  destination?: ActorEntity;

  /** the selected streams with their sync modes, cursor and primary key, as the connectors receive them */
  @Column({ name: 'configured_catalog', type: 'jsonb' })
  configuredCatalog!: ConfiguredAirbyteCatalog;

  /** configuredCatalog without the streams' json_schema, for reads; a trigger keeps it up to date (never written here) */
  @Column({ name: 'catalog_summary', type: 'jsonb', select: false, insert: false, update: false })
  catalogSummary!: ConfiguredAirbyteCatalog;

  /**
   * the streams that sync only some top-level fields (empty: every stream syncs every field);
   * their json_schema in configuredCatalog lists only those. Kept out of the catalog, which
   * connectors receive as it is.
   */
  @Column({ name: 'field_selection', type: 'jsonb', default: () => "'[]'" })
  fieldSelection!: StreamFieldSelection[];

  /** the source catalog the streams were configured against (schema-change detection compares with the newest) */
  @Column({ name: 'source_catalog_id', type: 'uuid', nullable: true })
  sourceCatalogId!: string | null;

  @ManyToOne(() => ActorCatalogEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'source_catalog_id', foreignKeyConstraintName: 'fk_connection_source_catalog' })
  sourceCatalog?: ActorCatalogEntity;

  @Column({ type: 'jsonb' })
  schedule!: ConnectionSchedule;

  @Column({ type: 'text', default: 'active' })
  status!: ConnectionStatus;

  /** why the platform changed the status, e.g. a breaking schema change */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'namespace_definition', type: 'text', default: 'destination' })
  namespaceDefinition!: NamespaceDefinition;

  /** with custom_format, e.g. `${SOURCE_NAMESPACE}_raw` */
  @Column({ name: 'namespace_format', type: 'text', nullable: true })
  namespaceFormat!: string | null;

  /** prepended to every stream name in the destination */
  @Column({ type: 'text', default: '' })
  prefix!: string;

  @Column({ name: 'non_breaking_changes_policy', type: 'text', default: 'ignore' })
  nonBreakingChangesPolicy!: NonBreakingChangesPolicy;

  /** what its replication pods may use in a cluster; null: its definitions' and the defaults */
  @Column({ name: 'resource_requirements', type: 'jsonb', nullable: true })
  resourceRequirements!: ResourceRequirements | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
