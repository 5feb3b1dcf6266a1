import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UpdatedAt } from './columns.js';

/** Key/value facts about the installation, e.g. the version the bootloader last stamped. */
@Entity({ name: 'platform_metadata' })
export class PlatformMetadataEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_platform_metadata' })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @UpdatedAt()
  updatedAt!: Date;
}
