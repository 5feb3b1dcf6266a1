import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import type { AirbyteStateMessage } from '@tributary/protocol';
import { UpdatedAt } from './columns.js';
import { ConnectionEntity } from './connection.entity.js';

export type ConnectionStateType = 'legacy' | 'global' | 'stream';

/** The last committed state of a connection: the STATE messages a resumed sync starts from. */
@Entity({ name: 'connection_state' })
export class ConnectionStateEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid', primaryKeyConstraintName: 'pk_connection_state' })
  connectionId!: string;

  @OneToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'fk_connection_state_connection' })
  connection?: ConnectionEntity;

  @Column({ name: 'state_type', type: 'text' })
  stateType!: ConnectionStateType;

  /** one message for legacy/global, one per stream for stream state */
  @Column({ type: 'jsonb' })
  state!: AirbyteStateMessage[];

  @UpdatedAt()
  updatedAt!: Date;
}
