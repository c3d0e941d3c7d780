import { Global, Module } from '@nestjs/common';
import { ReadCaches } from './read-cache.js';
import { ResponseCache } from './response-cache.js';
import { ValidationOutcomes } from './validation-outcomes.js';
import { VerifiedTokens } from './verified-tokens.js';

/**
 * Every cache of the service. What each holds, its key, bound and TTL, what ends it and why it exists:
 * the table in README.md beside this file, the one place it is kept. Time is the injectable Clock; a
 * write ends only the caches that show what it wrote (`TransactionRunner.run(domains, work)`).
 * CatalogCache is provided by CatalogModule, the one module that uses it.
 */
@Global()
@Module({
  providers: [ReadCaches, ResponseCache, VerifiedTokens, ValidationOutcomes],
  exports: [ReadCaches, ResponseCache, VerifiedTokens, ValidationOutcomes],
})
export class CacheModule {}
