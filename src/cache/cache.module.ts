import { Global, Module } from '@nestjs/common';
import { ReadCaches } from './read-cache.js';
import { ResponseCache } from './response-cache.js';
import { ValidationOutcomes } from './validation-outcomes.js';
import { VerifiedTokens } from './verified-tokens.js';

/**
 * Every cache of the service (copied in README.md beside this file). Time is the injectable Clock.
 * A write ends only the caches that show what it wrote: `TransactionRunner.run(domains, work)`
 * moves the DataVersion of the domains listed. CatalogCache (the upstream answers, the stored catalog
 * and the in-flight calls below) is provided by CatalogModule, the one module that uses it, which
 * tells it what an upstream failure is.
 *
 * | Cache | What it holds | Key | Bound | TTL | What ends it | Why it exists |
 * | --- | --- | --- | --- | --- | --- | --- |
 * | Response cache (`ResponseCache`, `@CachedResponse()`) | JSON and weak ETag of 200 answers: week detail, week list, movie and album selections | the request's `originalUrl` | 2000 entries and 4 M characters of URL + JSON | `READ_CACHE_TTL` (0 = off) | a write to `weeks`, `catalog` or `users` (owners' usernames show in replies) | cached reads skip the queries and the serialization |
 * | Signed-in user (`ReadCaches`, in `UsersService.findSignedIn`) | the frozen `User` an access token names | user id | 1000 entries | `READ_CACHE_TTL`, at most 1 s | a write to `users` | it is read on every authenticated request; a deactivation in the database must lock out within a second |
 * | Verified tokens (`VerifiedTokens`) | claims (`sub`, `exp`) of access tokens whose HS256 signature passport-jwt checked | the exact token | 5000 tokens | until the token's `exp` | expiry by the `Clock` (as `JwtStrategy` judges it); the user is still checked on every request | passport and the HMAC were a quarter of the CPU of a cached read |
 * | Upstream answers (`CatalogCache.memoize`, through `cachedClient`) | TMDB and MusicBrainz search pages; Cover Art Archive `exists`/`absent` answers | namespace + every argument | 1000 entries | `SEARCH_CACHE_TTL` (0 = off) | TTL or LRU only; failures and `inconclusive` covers are never kept | upstream rate limits (MusicBrainz 1 request/s) and latency |
 * | Stored catalog (`CatalogCache.readThrough`) | movie and album details and credits, in the database | TMDB id / MusicBrainz id | the database | `CATALOG_TTL` from `cached_at` | refetched when older; on an upstream failure a stored copy, however old, is served | details are read far more often than they change upstream |
 * | Validation outcomes (`ValidationOutcomes`, in `RequestValidationGuard`) | the validated path and query DTOs, or the 422's issues, of a bodyless request | handler + `originalUrl` | 2000 entries and 4 M characters of key | none | LRU only (validation depends on nothing but the URL) | validating before the response cache halved cached reads (bench:reads) |
 * | In-flight calls (`SingleFlight`) | the promise of an upstream call under way | namespace + key | calls in flight | until it settles | settling (result or error) | concurrent identical misses share one upstream call |
 */
@Global()
@Module({
  providers: [ReadCaches, ResponseCache, VerifiedTokens, ValidationOutcomes],
  exports: [ReadCaches, ResponseCache, VerifiedTokens, ValidationOutcomes],
})
export class CacheModule {}
