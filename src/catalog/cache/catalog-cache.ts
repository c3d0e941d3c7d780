// Moved to src/cache (#8); kept until the catalog services, being moved concurrently, import it from there.
export { CatalogCache, type Cached } from '../../cache/catalog-cache.js';
