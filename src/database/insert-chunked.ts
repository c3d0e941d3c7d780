import type { EntityManager } from 'typeorm';

/** Rows per INSERT, well below every driver's bound-parameter limit. */
export const INSERT_CHUNK = 100;

export async function insertChunked<T extends object>(
  manager: EntityManager,
  entity: new () => T,
  rows: Partial<T>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await manager.insert(entity, rows.slice(i, i + INSERT_CHUNK) as never);
  }
}
