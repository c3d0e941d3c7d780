import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';

/** One endpoint's attempts from one client IP in the current window (PostgreSQL only). */
@Entity({ name: 'throttle_windows' })
@Index('IDX_throttle_windows_resets_at', ['resetsAt'])
export class ThrottleWindow {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'integer' })
  count: number;

  @TimestampColumn('resets_at')
  resetsAt: Date;
}
