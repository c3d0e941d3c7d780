import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';
import { User } from '../../users/entities/user.entity.js';

/** A single-use registration code (issue #13); only its SHA-256 is stored. */
@Entity({ name: 'invites' })
@Index('UQ_invites_code_hash', ['codeHash'], { unique: true })
@Index('IDX_invites_created_by', ['createdById'])
export class Invite {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  /** Null: made by the operator with `npm run users -- invite`. */
  @Column({ name: 'created_by', type: 'integer', nullable: true })
  createdById: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'FK_invites_created_by' })
  createdBy?: Relation<User> | null;

  @TimestampColumn('created_at')
  createdAt: Date;

  @TimestampColumn('expires_at')
  expiresAt: Date;

  @Column({ name: 'used_by', type: 'integer', nullable: true })
  usedById: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'used_by', foreignKeyConstraintName: 'FK_invites_used_by' })
  usedBy?: Relation<User> | null;

  @TimestampColumn('used_at', { nullable: true })
  usedAt: Date | null;
}
