import type { AttemptStats, FailureReason } from '@tributary/domain';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
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
  /** after a failed attempt: "retried in 10 s: ..." or "not retried: ..." (null otherwise) */
  @Column({ name: 'next_step', type: 'text', nullable: true })
  nextStep!: string | null;

  @Column({ name: 'log_path', type: 'text', nullable: true })
  logPath!: string | null;

  /** SHA-256 of the attempt's runner credential (`trr_...`, libs/db runner-tokens.ts); null when none was issued */
  @Index('uq_attempt_runner_token_hash', { unique: true })
  @Column({ name: 'runner_token_hash', type: 'text', nullable: true, select: false })
  runnerTokenHash!: string | null;

  /** the outcome a replication pod reported (the worker finishes the attempt with it once the pod ended); read by runner.ts only */
  @Column({ name: 'runner_outcome', type: 'jsonb', nullable: true, select: false })
  runnerOutcome!: Record<string, unknown> | null;

  /** the last live progress of the attempt (a ReplicationProgress), for heartbeats while a pod runs; read by runner.ts only (job reads have stats) */
  @Column({ type: 'jsonb', nullable: true, select: false })
  progress!: Record<string, unknown> | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
