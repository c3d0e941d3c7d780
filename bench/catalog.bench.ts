/**
 * npm run bench:catalog — the catalog against the fake upstream with 100 ms added to every call.
 * Prints each figure next to its target (issue #3). It reports; it never fails a build.
 */
import { FakeUpstream } from '../test/fake-upstream/fake-upstream.js';
import { LOVE_IDS, MB, MB_SEARCH } from '../test/fake-upstream/fixtures/musicbrainz.js';
import { TMDB } from '../test/fake-upstream/fixtures/tmdb.js';
import { percentile, report, startBenchApp } from './bench-app.js';

const LATENCY_MS = 100;

const fake = await FakeUpstream.start({ latencyMs: LATENCY_MS });
const { app, baseUrl, auth } = await startBenchApp({
  ...fake.env(),
  MUSICBRAINZ_MIN_INTERVAL: '1s',
  MUSICBRAINZ_MAX_WAIT: '10s',
});
const get = async (path: string) => {
  const started = performance.now();
  const res = await fetch(`${baseUrl}${path}`, { headers: auth });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
};

try {
  console.log(
    `Catalog benchmark: fake upstream with ${LATENCY_MS} ms added latency on every call\n`,
  );

  // 1. Album search with 25 results: cold, then warm. "Cold" is the caches, not the process: one
  // search of another query first, so the first-ever request's JIT and connection set-up are not
  // counted, then a pause for that search's MusicBrainz slot to pass.
  await get(`/api/albums/search?query=${encodeURIComponent(MB_SEARCH.PINK_FLOYD)}`);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const searchPath = `/api/albums/search?query=${encodeURIComponent(MB_SEARCH.LOVE)}&limit=25`;
  const cold = await get(searchPath);
  const warmSamples: number[] = [];
  for (let i = 0; i < 50; i++) warmSamples.push((await get(searchPath)).ms);
  const warm = percentile(warmSamples, 50);
  report('album search, 25 results, cold', `${cold.ms.toFixed(0)} ms`, '≤ 350 ms', cold.ms <= 350);
  report(
    'album search, 25 results, warm (p50 of 50)',
    `${warm.toFixed(1)} ms`,
    '≤ 10 ms',
    warm <= 10,
  );
  console.log(
    `        (25 sequential cover checks would take ${(25 * LATENCY_MS) / 1000} s; ` +
      `cold/sequential = ${(cold.ms / (25 * LATENCY_MS + LATENCY_MS)).toFixed(2)})`,
  );

  // 2. Cached movie details.
  await get(`/api/movies/${TMDB.INCEPTION}`);
  fake.clear();
  const detailSamples: number[] = [];
  for (let i = 0; i < 200; i++) detailSamples.push((await get(`/api/movies/${TMDB.INCEPTION}`)).ms);
  const detailsP50 = percentile(detailSamples, 50);
  const tmdbCalls = fake.requestsTo('tmdb').length;
  report(
    'cached movie details p50 (200 requests)',
    `${detailsP50.toFixed(2)} ms`,
    '≤ 5 ms',
    detailsP50 <= 5,
  );
  report('cached movie details, upstream calls', `${tmdbCalls}`, '0', tmdbCalls === 0);

  // 3. Ten concurrent lookups of ten different uncached albums.
  await new Promise((resolve) => setTimeout(resolve, 1100)); // let the MusicBrainz queue drain
  fake.clear();
  const tenIds = LOVE_IDS.slice(0, 10);
  const started = performance.now();
  const ten = await Promise.all(tenIds.map((id) => get(`/api/albums/${id}`)));
  const tenTotal = performance.now() - started;
  const mbStarts = fake
    .requestsTo('musicbrainz')
    .map((request) => request.startedAt)
    .sort((a, b) => a - b);
  const gaps = mbStarts.slice(1).map((at, i) => at - mbStarts[i]);
  const minGap = gaps.length > 0 ? Math.min(...gaps) : Infinity;
  const ok = ten.filter((result) => result.status === 200).length;
  report('10 different uncached albums: succeeded', `${ok}/10`, '10/10', ok === 10);
  report(
    '10 different uncached albums: smallest MusicBrainz gap',
    `${minGap.toFixed(1)} ms`,
    '≥ 1000 ms',
    minGap >= 1000,
  );
  report(
    '10 different uncached albums: total',
    `${(tenTotal / 1000).toFixed(2)} s`,
    '≤ 10.5 s',
    tenTotal <= 10_500,
  );

  // 4. Twenty concurrent lookups of one uncached album.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  fake.clear();
  const twenty = await Promise.all(
    Array.from({ length: 20 }, () => get(`/api/albums/${MB.DARK_SIDE}`)),
  );
  const lookups = fake.requestsTo('musicbrainz').length;
  const twentyOk = twenty.filter((result) => result.status === 200).length;
  report('20 concurrent lookups of one album: MusicBrainz calls', `${lookups}`, '1', lookups === 1);
  report(
    '20 concurrent lookups of one album: succeeded',
    `${twentyOk}/20`,
    '20/20',
    twentyOk === 20,
  );
} finally {
  await app.close();
  await fake.stop();
}
