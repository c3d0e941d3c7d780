const UNIQUE_VIOLATION_CODES = new Set([
  '23505', // PostgreSQL unique_violation
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

const FOREIGN_KEY_VIOLATION_CODES = new Set([
  '23503', // PostgreSQL foreign_key_violation, on insert and on a refused delete alike
  'SQLITE_CONSTRAINT_FOREIGNKEY', // SQLite: a missing parent on insert
  'SQLITE_CONSTRAINT_TRIGGER', // SQLite: a delete refused by ON DELETE RESTRICT
]);

/** True when a query failed on a unique index: a lost race, to be answered with 409, not 500. */
export function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, UNIQUE_VIOLATION_CODES);
}

/**
 * True when a query failed on a foreign key: a row it pointed to went away meanwhile, or a delete
 * was refused because a row still points to it (ON DELETE RESTRICT). Another lost race.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  return hasCode(error, FOREIGN_KEY_VIOLATION_CODES);
}

function hasCode(error: unknown, codes: ReadonlySet<string>): boolean {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' && codes.has(code);
}
