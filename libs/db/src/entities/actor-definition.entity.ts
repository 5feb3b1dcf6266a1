import type { ResourceRequirements } from '@tributary/domain';
import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ConnectorRuntime } from '@tributary/launcher';
import type { ConnectorSpecification } from '@tributary/protocol';
import { CreatedAt, UpdatedAt, type ActorType } from './columns.js';

export type InstallStatus = 'pending' | 'installing' | 'ready' | 'failed';

/** Runtimes that are installed before they run (into a virtualenv or node_modules, on each worker). */
export const INSTALLED_RUNTIMES: readonly ConnectorRuntime['kind'][] = ['pypi', 'npm'];

/** A connector that can be used as a source or destination: how to run it and its cached spec. */
@Entity({ name: 'actor_definition' })
@Unique('uq_actor_definition_type_name', ['actorType', 'name'])
export class ActorDefinitionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_actor_definition' })
  id!: string;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: ActorType;

  /** e.g. `source-faker` */
  @Column({ type: 'text' })
  name!: string;

  /** how the embedded ProcessLauncher runs it (libs/launcher ConnectorRuntime) */
  @Column({ type: 'jsonb' })
  runtime!: ConnectorRuntime;

  /** repository:tag for the Kubernetes launcher */
  @Column({ type: 'text', nullable: true })
  image!: string | null;

  @Column({ type: 'text' })
  version!: string;

  /**
   * The version Tributary ships for a seeded connector; null for custom ones. While
   * `version` equals it, platform upgrades move the connector along; once a user
   * picks another version, upgrades leave it alone.
   */
  @Column({ name: 'default_version', type: 'text', nullable: true })
  defaultVersion!: string | null;

  @Column({ name: 'documentation_url', type: 'text', nullable: true })
  documentationUrl!: string | null;

  /** what the connector's pods may use in a cluster; null: the job type's and the instance's defaults */
  @Column({ name: 'resource_requirements', type: 'jsonb', nullable: true })
  resourceRequirements!: ResourceRequirements | null;

  /** the connector's spec, cached from its last `spec` run; null until it has run once */
  @Column({ type: 'jsonb', nullable: true })
  spec!: ConnectorSpecification | null;

  /**
   * Where the current version's install stands (PyPI/npm connectors install in the background):
   * pending, installing, ready (spec cached) or failed (install_error says why). Connectors with
   * nothing to install are ready.
   */
  @Column({ name: 'install_status', type: 'text', default: 'pending' })
  installStatus!: InstallStatus;

  /** why the install of the current version failed (pip's or npm's words) */
  @Column({ name: 'install_error', type: 'text', nullable: true })
  installError!: string | null;

  @Column({ name: 'install_started_at', type: 'timestamptz', nullable: true })
  installStartedAt!: Date | null;

  /** added by a user rather than seeded by the bootloader */
  @Column({ type: 'boolean', default: false })
  custom!: boolean;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
