import type { DataSource, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A read whose SQL a query builder writes once, at first use, and which then runs as that text
 * with `dataSource.query`. Building a query costs more CPU than SQLite takes to run it, and the same
 * text lets better-sqlite3 reuse its prepared statement (TypeORM keeps 100 by SQL text). The query
 * builder writes each driver's placeholders (`?` or `$1`) and quoting, so SQLite and PostgreSQL
 * share one definition.
 *
 * Parameters are named (`:weekId`) and given to `run` by name; the builder sets no value itself.
 * Array parameters (`:...ids`) would change the text with their length, so they have no place here
 * (use a subquery). Rows come back raw, as the driver reads them: see `valueReader` for the values
 * that differ between drivers.
 */
export class CompiledQuery<P extends Record<string, unknown>, R> {
  private compiled: { sql: string; parameterNames: (keyof P & string)[] } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly parameterNames: readonly (keyof P & string)[],
    private readonly build: (dataSource: DataSource) => SelectQueryBuilder<ObjectLiteral>,
  ) {}

  async run(parameters: P): Promise<R[]> {
    const { sql, parameterNames } = (this.compiled ??= this.compile());
    // The rows are what the select lists, with the aliases it gives them.
    return this.dataSource.query<R[]>(
      sql,
      parameterNames.map((name) => parameters[name]),
    );
  }

  /** Which named parameter each placeholder binds, learned from marker values. */
  private compile(): { sql: string; parameterNames: (keyof P & string)[] } {
    const markers = new Map(this.parameterNames.map((name) => [`\u0000${name}\u0000`, name]));
    const query = this.build(this.dataSource);
    for (const [marker, name] of markers) query.setParameter(name, marker);
    const [sql, values] = query.getQueryAndParameters();
    const parameterNames = values.map((value) => {
      const name = typeof value === 'string' ? markers.get(value) : undefined;
      if (name === undefined)
        throw new Error(`CompiledQuery: a parameter not in ${[...markers.values()].join(', ')}`);
      return name;
    });
    return { sql, parameterNames };
  }
}

/**
 * How entity hydration reads one column's raw value, through the driver's own conversion: a
 * timestamp is a Date from pg and text from SQLite, a boolean true/false or 1/0. Reading raw rows
 * through it gives what the entity would have held, whichever the database.
 */
export function valueReader<T>(
  dataSource: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  property: string,
): (raw: unknown) => T {
  const column = dataSource.getMetadata(entity).findColumnWithPropertyName(property);
  if (!column) throw new Error(`valueReader: no column ${property}`);
  const { driver } = dataSource;
  return (raw) => driver.prepareHydratedValue(raw, column) as T;
}

/** A timestamp column's raw value as the wire shows it (`toISOString()` of what hydration gives). */
export function isoTimestampReader(
  dataSource: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  property: string,
): (raw: unknown) => string {
  const read = valueReader<Date>(dataSource, entity, property);
  return (raw) => {
    if (raw instanceof Date) return raw.toISOString();
    // What TypeORM writes on SQLite, UTC 'YYYY-MM-DD HH:MM:SS.SSS', is that instant's ISO text
    // once 'T' and 'Z' are in place: no need to parse it into a Date and print it again.
    if (
      typeof raw === 'string' &&
      raw.length === 23 &&
      raw.charCodeAt(10) === 32 &&
      raw.charCodeAt(19) === 46
    ) {
      return `${raw.slice(0, 10)}T${raw.slice(11)}Z`;
    }
    return read(raw).toISOString();
  };
}
