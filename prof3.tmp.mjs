import 'reflect-metadata';
import { DataSource } from 'typeorm';
const root = '/work/wt-export/dist-bench';
const { ENTITIES } = await import(root + '/src/entities.js');
const { ExportService } = await import(root + '/src/export/export.service.js');
const { CatalogUrls } = await import(root + '/src/catalog/catalog-urls.js');
const ds = new DataSource({ type: 'better-sqlite3', database: '/tmp/prof-export2.db', entities: ENTITIES });
await ds.initialize();
const urls = new CatalogUrls({ get: () => ({ tmdbImageBaseUrl: 'https://image.tmdb.org/t/p', coverArtBaseUrl: 'https://coverartarchive.org' }) });
const svc = new ExportService(ds, urls, { now: () => new Date() });
for (let i = 0; i < 3; i++) {
let t = performance.now(); let bytes = 0;
for await (const chunk of svc.json('api').stream) bytes += chunk.length;
console.log('json total', (performance.now()-t).toFixed(0), 'ms', bytes);
}
