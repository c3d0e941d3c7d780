import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { Verdicts1796256000000 } from './1796256000000-verdicts.js';
import { Invites1796515200000 } from './1796515200000-invites.js';
import { InstanceCoordination1796601600000 } from './1796601600000-instance-coordination.js';
import { Recommendations1796688000000 } from './1796688000000-recommendations.js';
import { Stats1796774400000 } from './1796774400000-stats.js';
import { StatsYears1796860800000 } from './1796860800000-stats-years.js';

/**
 * Every migration, oldest first, listed explicitly (no globs) so the same list works under jest (ts) and from
 * dist (js).
 */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  Verdicts1796256000000,
  Invites1796515200000,
  InstanceCoordination1796601600000,
  Recommendations1796688000000,
  Stats1796774400000,
  StatsYears1796860800000,
];
