import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { StreamDescriptor } from '@tributary/protocol';
import { CreatedAt, UpdatedAt } from './columns.js';
import { ConnectionEntity } from './connection.entity.js';

export type JobType = 'sync' | 'clear' | 'refresh';
export type JobStatus = 'pending' | 'running' | 'incomplete' | 'failed' | 'succeeded' | 'cancelled';
/** the statuses uq_job_one_active_per_connection allows once per connection */
export const ACTIVE_JOB_STATUSES = ['pending', 'running', 'incomplete'] as const satisfies readonly JobStatus[];

/** A sync, clear or refresh of a connection; runs as one or more attempts. Ids are sequential numbers. */
@Entity({ name: 'job' })
@Index('idx_job_connection_created', ['connectionId', 'createdAt'])
@Index('idx_job_status', ['status'])
// the database itself enforces "one running job per connection", so two racing triggers cannot both start
@Index('uq_job_one_active_per_connection', ['connectionId'], { unique: true, where: `status IN ('pending', 'running', 'incomplete')` })
@Index('uq_job_request_id', ['requestId'], { unique: true })
export class JobEntity {
  /** bigint: node-postgres returns it as a string */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_job' })
  id!: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @ManyToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_job_connection' })
  connection?: ConnectionEntity;

  @Column({ name: 'job_type', type: 'text' })
  jobType!: JobType;

  @Column({ type: 'text', default: 'pending' })
  status!: JobStatus;

  /** for clear/refresh of some streams only; null = all streams */
  @Column({ type: 'jsonb', nullable: true })
  streams!: StreamDescriptor[] | null;

  /** the request that created the job (a retried createJob finds its job by it); null outside workflows */
  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  /** what the job ran with (catalog, definitions, versions), so history stays true after edits */
  // never loaded by default: it holds the job's whole catalog, and job lists must not pull it in (loadSyncConfig selects it)
  @Column({ name: 'config_snapshot', type: 'jsonb', select: false })
  configSnapshot!: Record<string, unknown>;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
