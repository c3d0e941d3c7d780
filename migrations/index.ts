import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { Verdicts1796256000000 } from './1796256000000-verdicts.js';
import { Stats1796342400000 } from './1796342400000-stats.js';

/**
 * Every migration, oldest first, listed explicitly (no globs) so the same list works under jest (ts) and from
 * dist (js).
 */
export const MIGRATIONS = [InitialSchema1764000000000, Verdicts1796256000000, Stats1796342400000];
