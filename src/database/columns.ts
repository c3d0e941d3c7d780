import { Column } from 'typeorm';

/**
 * A UTC timestamp column. `Date` lets TypeORM pick the driver's type (datetime on SQLite, timestamp on
 * PostgreSQL); values are always written by the application clock with millisecond precision.
 */
export function TimestampColumn(name: string, options: { nullable?: boolean } = {}) {
  return Column({ name, type: Date, nullable: options.nullable ?? false });
}
