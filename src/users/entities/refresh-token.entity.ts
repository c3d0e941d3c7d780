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
import { User } from './user.entity.js';

/** One issued refresh token. Only its SHA-256 is kept; rotation chains share a family id. */
@Entity({ name: 'refresh_tokens' })
@Index('UQ_refresh_tokens_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_refresh_tokens_family_id', ['familyId'])
@Index('IDX_refresh_tokens_user_id', ['userId'])
export class RefreshToken {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_refresh_tokens_user_id' })
  user?: Relation<User>;

  /** Hex SHA-256 of the opaque token; unique index UQ_refresh_tokens_token_hash. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'family_id', type: 'varchar', length: 36 })
  familyId: string;

  @TimestampColumn('expires_at')
  expiresAt: Date;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt: Date | null;

  @TimestampColumn('created_at')
  createdAt: Date;
}
