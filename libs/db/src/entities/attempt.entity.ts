import type { AttemptStats, FailureReason } from '@tributary/domain';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CreatedAt, UpdatedAt } from './columns.js';
import { JobEntity } from './job.entity.js';

export type AttemptStatus = 'running' | 'failed' | 'succeeded' | 'cancelled';

@Entity({ name: 'attempt' })
@Unique('uq_attempt_job_number', ['jobId', 'attemptNumber'])
export class AttemptEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_attempt' })
  id!: string;

  @Column({ name: 'job_id', type: 'bigint' })
  jobId!: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'fk_attempt_job' })
  job?: JobEntity;

  /** 1, 2, ... within the job */
  @Column({ name: 'attempt_number', type: 'integer' })
  attemptNumber!: number;

  @Column({ type: 'text', default: 'running' })
  status!: AttemptStatus;

  @Column({ type: 'jsonb', nullable: true })
  stats!: AttemptStats | null;

  @Column({ name: 'failure_reasons', type: 'jsonb', default: () => "'[]'" })
  failureReasons!: FailureReason[];

  /** where the attempt's log lives in libs/storage */
  @Column({ name: 'log_path', type: 'text', nullable: true })
  logPath!: string | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
