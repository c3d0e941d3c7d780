import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** `column` value → the number of rows holding it, for the values present (not null): one query. */
export async function countsBy(
  query: SelectQueryBuilder<ObjectLiteral>,
  column: string,
): Promise<Map<number, number>> {
  const rows = await query
    .select(column, 'value')
    .addSelect('COUNT(*)', 'count')
    .where(`${column} IS NOT NULL`)
    .groupBy(column)
    .getRawMany<{ value: number | string; count: number | string }>();
  return new Map(rows.map((row) => [Number(row.value), Number(row.count)]));
}
