import { Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';

/** The next free start slot of a paced upstream, shared by every instance (PostgreSQL only). */
@Entity({ name: 'upstream_pacing' })
export class UpstreamPacing {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  upstream: string;

  @TimestampColumn('next_start_at')
  nextStartAt: Date;
}
