/** Column helpers shared by the entities, so every table spells timestamps the same way. */
import { CreateDateColumn, UpdateDateColumn } from 'typeorm';

export const CreatedAt = (): PropertyDecorator => CreateDateColumn({ name: 'created_at', type: 'timestamptz' });
export const UpdatedAt = (): PropertyDecorator => UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' });

/** What a definition, actor or schedule belongs to. */
export type ActorType = 'source' | 'destination';
