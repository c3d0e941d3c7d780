// Moved to src/cache (#8); kept until UsersService, being moved concurrently, imports it from there.
export { ReadCache, ReadCaches } from '../cache/read-cache.js';
