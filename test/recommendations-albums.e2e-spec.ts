// GET /api/recommendations/albums (recommendations.md §1, §3, §4; upstream.md §3.6, §3.8) against the
// fake upstream. Every test starts its own app (fresh database, caches, flights and MusicBrainz
// queue); the fake is shared and cleared. Seed albums are stored with their credits directly, so
// picking them calls nobody; picks and verdicts go through the API.
import request, { type Response } from 'supertest';
import type { Album } from '../src/albums/entities/album.entity.js';
import type { Artist } from '../src/albums/entities/artist.entity.js';
import { ArtistReleaseGroups } from '../src/recommendations/entities/artist-release-groups.entity.js';
import {
  MB,
  MB_ARTIST,
  MB_ARTIST_RELEASE_GROUPS,
  MB_SEARCH,
  PROLIFIC_COUNT,
} from './fake-upstream/fixtures/musicbrainz.js';
import { arrivalGaps, sleep } from './support/album-helpers.js';
import { outcome } from './support/auth-helpers.js';
import {
  releaseGroup,
  seedArtist,
  seedCreditedAlbum,
  storeReleaseGroups,
  type ClubApp,
  useClubApps,
  expectLimitRefused,
} from './support/recommendation-helpers.js';
import { countQueries } from './support/week-helpers.js';

const HOUR_MS = 60 * 60 * 1000;

const suite = useClubApps({ enforceMusicBrainzRate: false });
const app = suite.app;

const mb = () => suite.fake.requestsTo('musicbrainz');
const browses = () => mb().filter((r) => r.path === '/release-group');
/** The artist of each browse request, in arrival order. */
const browsed = () => browses().map((r) => r.query.artist);

const ARTIST_NAMES: Record<string, string> = {
  [MB_ARTIST.PINK_FLOYD]: 'Pink Floyd',
  [MB_ARTIST.JAY_Z]: 'JAY‐Z',
  [MB_ARTIST.KANYE_WEST]: 'Kanye West',
  [MB_ARTIST.MARA_QUILL]: 'Mara Quill',
  [MB_ARTIST.DEXTER_VALE]: 'Dexter Vale',
  [MB_ARTIST.ONO_BRASS]: 'Ono Brass',
  [MB_ARTIST.THE_LOVELORN]: 'The Lovelorn',
  [MB_ARTIST.FAULT_LINE]: 'Fault Line',
  [MB_ARTIST.PROLIFIC]: 'The Prolific Ones',
  [MB_ARTIST.UNKNOWN]: 'Nobody Known',
};

/** Stored artists by MBID, as album lookups would have left them. */
async function artists(a: ClubApp, ...mbids: string[]): Promise<Artist[]> {
  const stored: Artist[] = [];
  for (const mbid of mbids) stored.push(await seedArtist(a.t.dataSource, mbid, ARTIST_NAMES[mbid]));
  return stored;
}

/** Pink Floyd, Jay-Z, Kanye West and Mara Quill: three seed albums' worth of artists. */
const FOUR_ARTISTS = [
  MB_ARTIST.PINK_FLOYD,
  MB_ARTIST.JAY_Z,
  MB_ARTIST.KANYE_WEST,
  MB_ARTIST.MARA_QUILL,
];

/** A fixture release group by title, from an artist's browse list. */
function fixtureGroup(artistMbid: string, title: string) {
  const group = MB_ARTIST_RELEASE_GROUPS.get(artistMbid)!.find((g) => g.title === title);
  if (!group) throw new Error(`No release group "${title}"`);
  return group;
}

const seedRef = (album: Album, average: number) => ({
  musicbrainz_id: album.musicbrainzId,
  title: album.title,
  average,
});

describe('GET /api/recommendations/albums: seeds and scores', () => {
  it('answers an empty reply without seeds', async () => {
    const a = await app();
    const [floyd] = await artists(a, MB_ARTIST.PINK_FLOYD);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [floyd]), [6, 7]);
    expect(outcome(await a.club.albums())).toEqual({
      status: 200,
      body: { results: [], seeds: 0, pending_seeds: 0 },
    });
    expect(suite.fake.requests).toEqual([]);
  });

  it('scores by the weights of the credited seed artists and breaks every tie as the spec says (hand-built lists)', async () => {
    const a = await app();
    const ds = a.t.dataSource;
    const now = a.clock.now();
    const [artistA, artistB, artistC, outsider] = await Promise.all(
      ['A', 'B', 'C', 'D'].map((n, i) =>
        seedArtist(ds, `a0000000-0000-4000-8000-00000000000${i}`, `Artist ${n}`),
      ),
    );
    const g = (n: number) => `c0000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;
    const x = await seedCreditedAlbum(ds, [artistA], { title: 'X album', releaseGroupId: g(90) });
    const y = await seedCreditedAlbum(ds, [artistA, artistC], {
      title: 'Y album',
      releaseGroupId: g(91),
    });
    const w = await seedCreditedAlbum(ds, [artistB], { title: 'Aardvark', releaseGroupId: g(92) });
    const z = await seedCreditedAlbum(ds, [artistB], { title: 'Zebra', releaseGroupId: g(93) });
    const unrated = await seedCreditedAlbum(ds, [outsider], { releaseGroupId: g(14) });
    // Weights: X 4, Y 3, W 2, Z 2 (Z newer). Artists: A 7 (X + Y), B 4 (W + Z), C 3 (Y).
    await a.club.pickAlbum(x, [9]);
    await a.club.pickAlbum(y, [8]);
    await a.club.pickAlbum(w, [7]);
    await a.club.pickAlbum(z, [7]);
    await a.club.pickAlbum(unrated);

    const only = (artist: Artist, n: number, fields = {}) => releaseGroup(g(n), [artist], fields);
    await storeReleaseGroups(
      ds,
      artistA,
      [
        only(artistA, 1, { firstReleaseDate: '1999' }),
        releaseGroup(g(2), [artistA, artistB], { firstReleaseDate: '2001' }),
        only(artistA, 3, { primaryType: 'Single' }),
        only(artistA, 4, { secondaryTypes: ['Compilation'] }),
        only(artistA, 5, { primaryType: 'EP' }),
        only(artistA, 6, { primaryType: null }),
        only(artistA, 91), // Y's own release group: picked
        only(artistA, 14), // picked, never rated
        only(artistA, 8, { firstReleaseDate: null }),
        only(artistA, 10, { firstReleaseDate: '1998-12-31' }),
        only(artistA, 9, { firstReleaseDate: '1998-12-31' }),
        only(artistA, 7, { firstReleaseDate: '1999-05' }),
      ],
      now,
    );
    await storeReleaseGroups(
      ds,
      artistB,
      [
        releaseGroup(g(2), [artistA, artistB], { firstReleaseDate: '2001' }),
        // A credit MusicBrainz left out: the artist whose list it is still counts.
        releaseGroup(g(11), [], { artist: 'Unknown Artist' }),
      ],
      now,
    );
    await storeReleaseGroups(
      ds,
      artistC,
      [
        releaseGroup(g(12), [artistC, outsider]),
        // In C's list, credited to A: both count.
        releaseGroup(g(13), [artistA]),
      ],
      now,
    );

    const [xs, ys, ws, zs]: [Album, number][] = [
      [x, 9],
      [y, 8],
      [w, 7],
      [z, 7],
    ];
    const result = (
      n: number,
      firstReleaseDate: string | null,
      score: number,
      because: [Album, number][],
      credited: Artist[],
    ) => {
      const { title, artist } = releaseGroup(g(n), credited);
      return {
        release_group_id: g(n),
        title,
        artist,
        first_release_date: firstReleaseDate,
        score,
        search_query: `releasegroup:"${title}" AND artist:"${artist}"`,
        because: because.map(([album, average]) => seedRef(album, average)),
      };
    };
    expect(outcome(await a.club.albums())).toEqual({
      status: 200,
      body: {
        results: [
          // A + B: 7 + 4. Seed albums by weight, then title (Aardvark before the newer Zebra).
          result(2, '2001', 11, [xs, ys, ws, zs], [artistA, artistB]),
          // In C's list and credited to A: 3 + 7.
          result(13, '2000', 10, [xs, ys], [artistA]),
          // 7: by first_release_date desc as text, unknown last, then by id.
          result(7, '1999-05', 7, [xs, ys], [artistA]),
          result(1, '1999', 7, [xs, ys], [artistA]),
          result(9, '1998-12-31', 7, [xs, ys], [artistA]),
          result(10, '1998-12-31', 7, [xs, ys], [artistA]),
          result(8, null, 7, [xs, ys], [artistA]),
          {
            ...result(11, '2000', 4, [ws, zs], []),
            artist: 'Unknown Artist',
            search_query: `releasegroup:"Group 0011" AND artist:"Unknown Artist"`,
          },
          result(12, '2000', 3, [ys], [artistC, outsider]),
        ],
        seeds: 4,
        pending_seeds: 0,
      },
    });
    expect(suite.fake.requests).toEqual([]);
  });

  it('recommends the other albums of the seeds’ artists from the fake MusicBrainz, and search_query finds them', async () => {
    const a = await app();
    const [floyd, jay, kanye] = await artists(
      a,
      MB_ARTIST.PINK_FLOYD,
      MB_ARTIST.JAY_Z,
      MB_ARTIST.KANYE_WEST,
    );
    const darkSide = await seedCreditedAlbum(a.t.dataSource, [floyd], {
      musicbrainzId: MB.DARK_SIDE,
      title: 'The Dark Side of the Moon',
      releaseGroupId: MB.DARK_SIDE_GROUP,
    });
    const throne = await seedCreditedAlbum(a.t.dataSource, [jay, kanye], {
      musicbrainzId: MB.JAY_KANYE,
      title: 'Watch the Throne',
      releaseGroupId: fixtureGroup(MB_ARTIST.JAY_Z, 'Watch the Throne').id,
    });
    await a.club.pickAlbum(darkSide, [9, 9]);
    await a.club.pickAlbum(throne, [8]);

    const res = await a.club.albums();
    const expected = (artistMbid: string, title: string, score: number, because: unknown[]) => {
      const group = fixtureGroup(artistMbid, title);
      const artist = group['artist-credit'].map((c) => c.name + c.joinphrase).join('');
      return {
        release_group_id: group.id,
        title,
        artist,
        first_release_date: group['first-release-date'],
        score,
        search_query: `releasegroup:"${title}" AND artist:"${artist}"`,
        because,
      };
    };
    const floydSeed = [seedRef(darkSide, 9)];
    const throneSeed = [seedRef(throne, 8)];
    expect(outcome(res)).toEqual({
      status: 200,
      body: {
        results: [
          // Pink Floyd weighs 4; no live album, compilation or single; Dark Side is picked.
          expected(MB_ARTIST.PINK_FLOYD, 'The Wall', 4, floydSeed),
          expected(MB_ARTIST.PINK_FLOYD, 'Animals', 4, floydSeed),
          expected(MB_ARTIST.PINK_FLOYD, 'Wish You Were Here', 4, floydSeed),
          expected(MB_ARTIST.PINK_FLOYD, 'Meddle', 4, floydSeed),
          expected(MB_ARTIST.PINK_FLOYD, 'Untitled Pink Floyd Bootleg', 4, floydSeed),
          // Jay-Z and Kanye West weigh 3 each; Watch the Throne is picked.
          expected(MB_ARTIST.KANYE_WEST, 'My Beautiful Dark Twisted Fantasy', 3, throneSeed),
          expected(MB_ARTIST.KANYE_WEST, 'Graduation', 3, throneSeed),
          expected(MB_ARTIST.JAY_Z, 'The Blueprint', 3, throneSeed),
          expected(MB_ARTIST.JAY_Z, 'Reasonable Doubt', 3, throneSeed),
        ],
        seeds: 2,
        pending_seeds: 0,
      },
    });
    // One browse per artist, heaviest first, through the one paced client.
    expect(browsed()).toEqual([MB_ARTIST.PINK_FLOYD, MB_ARTIST.JAY_Z, MB_ARTIST.KANYE_WEST]);
    for (const request of browses()) {
      expect(request.query).toEqual({
        artist: request.query.artist,
        type: 'album',
        limit: '100',
        offset: '0',
        inc: 'artist-credits',
        fmt: 'json',
      });
    }

    const animals = res.body.results[1];
    const found = await fetchAsAlice(
      a,
      `/api/albums/search?query=${encodeURIComponent(animals.search_query)}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.results.map((r: { musicbrainz_id: string }) => r.musicbrainz_id)).toEqual([
      MB.MERGED_NEW,
    ]);
  });

  it('escapes " and \\ in search_query with \\', async () => {
    const a = await app();
    const [mara] = await artists(a, MB_ARTIST.MARA_QUILL);
    const quoted = await seedArtist(a.t.dataSource, 'a0000000-0000-4000-8000-0000000000f1', 'x');
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [mara]), [8]);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [quoted]), [10]);
    await storeReleaseGroups(
      a.t.dataSource,
      quoted,
      [
        releaseGroup('c0000000-0000-4000-8000-0000000000f1', [quoted], {
          title: 'Plain',
          artist: 'The "Quoted" \\ Band',
        }),
      ],
      a.clock.now(),
    );
    const res = await a.club.albums('?limit=50');
    const queryOf = (title: string) =>
      res.body.results.find((r: { title: string }) => r.title === title)?.search_query;
    expect(queryOf('Say "When" \\ Ferry')).toBe(
      'releasegroup:"Say \\"When\\" \\\\ Ferry" AND artist:"Mara Quill"',
    );
    expect(queryOf('Plain')).toBe('releasegroup:"Plain" AND artist:"The \\"Quoted\\" \\\\ Band"');
  });
});

/** An authenticated GET as the club's first member. */
function fetchAsAlice(a: ClubApp, path: string): Promise<Response> {
  return request(a.t.server)
    .get(path)
    .set(a.club.alice.auth)
    .then((res) => res);
}

describe('GET /api/recommendations/albums: paging, storage and the MusicBrainz queue', () => {
  it('pages through an artist with more than 100 release groups, and stops after 5 pages', async () => {
    const a = await app();
    const [lovelorn, prolific] = await artists(a, MB_ARTIST.THE_LOVELORN, MB_ARTIST.PROLIFIC);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [lovelorn]), [9]);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [prolific]), [8]);

    const res = await a.club.albums('?limit=50');
    expect(res.body).toMatchObject({ seeds: 2, pending_seeds: 0 });
    expect(res.body.results).toHaveLength(50);
    const pages = (artist: string) =>
      browses()
        .filter((r) => r.query.artist === artist)
        .map((r) => Number(r.query.offset));
    expect(pages(MB_ARTIST.THE_LOVELORN)).toEqual([0, 100, 200]);
    expect(pages(MB_ARTIST.PROLIFIC)).toEqual([0, 100, 200, 300, 400]);

    const stored = async (artist: Artist) =>
      (
        await a.t.dataSource.getRepository(ArtistReleaseGroups).findOneByOrFail({
          artistId: artist.id,
        })
      ).releaseGroups;
    const lovelornAlbums = MB_ARTIST_RELEASE_GROUPS.get(MB_ARTIST.THE_LOVELORN)!.filter(
      (group) => group['primary-type'] === 'Album',
    );
    expect(lovelornAlbums.length).toBeGreaterThan(200);
    expect((await stored(lovelorn)).map((group) => group.releaseGroupId)).toEqual(
      lovelornAlbums.map((group) => group.id),
    );
    expect(await stored(prolific)).toHaveLength(500);
    expect(PROLIFIC_COUNT).toBeGreaterThan(500);
    // Only plain albums are recommended: the Lovelorn weighs 4, so its come first.
    for (const result of res.body.results) {
      expect(result.score).toBe(4);
      const group = lovelornAlbums.find((candidate) => candidate.id === result.release_group_id)!;
      expect(group['secondary-types']).toEqual([]);
    }
  });

  it('a second call makes 0 upstream calls and reads its reply through a fixed number of queries', async () => {
    const a = await app({ READ_CACHE_TTL: '0' });
    const stored = await artists(a, ...FOUR_ARTISTS);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [stored[0]]), [9]);
    const first = await a.club.albums();
    expect(browses()).toHaveLength(1);
    suite.fake.clear();
    const one = await countQueries(a.t.dataSource, () => a.club.albums());
    expect(outcome(one.result)).toEqual(outcome(first));
    expect(suite.fake.requests).toEqual([]);

    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, stored.slice(1, 3)), [8]);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, stored.slice(3)), [7]);
    expect((await a.club.albums()).body).toMatchObject({ seeds: 3, pending_seeds: 0 });
    suite.fake.clear();
    const three = await countQueries(a.t.dataSource, () => a.club.albums());
    expect(three.result.body).toMatchObject({ seeds: 3, pending_seeds: 0 });
    expect(suite.fake.requests).toEqual([]);
    expect(three.queries.length).toBe(one.queries.length);
    // The user lookup, the seeds, their credited artists, the picked release groups, the lists.
    expect(three.queries.length).toBeLessThanOrEqual(5);
  });

  it('a seed whose artist fails is pending and fetched by a later call; an unknown artist stores an empty list', async () => {
    const a = await app();
    const [floyd, faulty, unknown] = await artists(
      a,
      MB_ARTIST.PINK_FLOYD,
      MB_ARTIST.FAULT_LINE,
      MB_ARTIST.UNKNOWN,
    );
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [floyd]), [9]);
    const faultyAlbum = await seedCreditedAlbum(a.t.dataSource, [faulty]);
    await a.club.pickAlbum(faultyAlbum, [8]);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [unknown]), [8]);
    suite.fake.setFault('musicbrainz', MB_ARTIST.FAULT_LINE, 'status500');

    const failed = await a.club.albums('?limit=50');
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ seeds: 3, pending_seeds: 1 });
    expect(browses().map((r) => r.status)).toEqual([200, 500, 404]);

    suite.fake.clear();
    const later = await a.club.albums('?limit=50');
    expect(later.body).toMatchObject({ seeds: 3, pending_seeds: 0 });
    expect(browsed()).toEqual([MB_ARTIST.FAULT_LINE]);
    expect(
      later.body.results.filter((r: { artist: string }) => r.artist === 'Fault Line'),
    ).toContainEqual(expect.objectContaining({ score: 3, because: [seedRef(faultyAlbum, 8)] }));
  });

  it('refreshes an artist after CATALOG_TTL and serves the stale list when the refresh fails', async () => {
    const a = await app({ CATALOG_TTL: '1h' });
    const [floyd] = await artists(a, MB_ARTIST.PINK_FLOYD);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [floyd]), [9]);
    const fresh = await a.club.albums();
    expect(browsed()).toEqual([MB_ARTIST.PINK_FLOYD]);

    suite.fake.clear();
    a.clock.advance(HOUR_MS - 1);
    expect(outcome(await a.club.albums())).toEqual(outcome(fresh));
    expect(browses()).toEqual([]);
    a.clock.advance(1);
    expect(outcome(await a.club.albums())).toEqual(outcome(fresh));
    expect(browsed()).toEqual([MB_ARTIST.PINK_FLOYD]);

    suite.fake.clear();
    a.clock.advance(2 * HOUR_MS);
    suite.fake.setFault('musicbrainz', MB_ARTIST.PINK_FLOYD, 'truncated');
    expect(outcome(await a.club.albums())).toEqual(outcome(fresh));
    expect(browses().map((r) => r.status)).toEqual([200]);
  });

  it('identical concurrent fetches share one browse', async () => {
    const a = await app();
    suite.fake.settings.latencyMs = 100;
    const stored = await artists(a, MB_ARTIST.PINK_FLOYD, MB_ARTIST.JAY_Z);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, stored), [9]);
    const replies = await Promise.all(Array.from({ length: 5 }, () => a.club.albums()));
    expect(replies.map((res) => res.status)).toEqual(Array(5).fill(200));
    for (const res of replies) expect(res.body).toEqual(replies[0].body);
    expect(browsed().sort()).toEqual([MB_ARTIST.JAY_Z, MB_ARTIST.PINK_FLOYD].sort());
  });

  it('keeps MusicBrainz starts ≥ 1000 ms apart while it fetches several artists and another member searches', async () => {
    const a = await app({ MUSICBRAINZ_MIN_INTERVAL: '1s' });
    suite.fake.settings.enforceMusicBrainzRate = true;
    const stored = await artists(a, ...FOUR_ARTISTS);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [stored[0]]), [9]);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, stored.slice(1, 3)), [8]);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [stored[3]]), [7]);

    const recommending = a.club.albums();
    await sleep(300);
    const search = await fetchAsAlice(
      a,
      `/api/albums/search?query=${encodeURIComponent(MB_SEARCH.PINK_FLOYD)}`,
    );
    const recommended = await recommending;
    expect(search.status).toBe(200);
    expect(recommended.status).toBe(200);
    expect(recommended.body).toMatchObject({ seeds: 3, pending_seeds: 0 });
    // The browses queue one at a time, so the search waited behind one of them, not all four.
    expect(mb().map((r) => r.path)).toEqual([
      '/release-group',
      '/release-group',
      '/release',
      '/release-group',
      '/release-group',
    ]);
    expect(mb().map((r) => r.status)).toEqual(Array(5).fill(200));
    for (const gap of arrivalGaps(mb())) expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it('fetches only within MUSICBRAINZ_MAX_WAIT: the rest stays pending (no 429) and later calls fetch it', async () => {
    const a = await app({ MUSICBRAINZ_MIN_INTERVAL: '1s', MUSICBRAINZ_MAX_WAIT: '1.5s' });
    suite.fake.settings.enforceMusicBrainzRate = true;
    const stored = await artists(
      a,
      MB_ARTIST.PINK_FLOYD,
      MB_ARTIST.JAY_Z,
      MB_ARTIST.MARA_QUILL,
      MB_ARTIST.DEXTER_VALE,
    );
    // Weights 5, 4, 3, 2: the heaviest artist is browsed first.
    for (const [i, artist] of stored.entries()) {
      await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [artist]), [10 - i]);
    }

    const replies = [];
    for (let call = 0; call < 3; call++) replies.push(await a.club.albums('?limit=50'));
    expect(replies.map((res) => [res.status, res.body.seeds, res.body.pending_seeds])).toEqual([
      [200, 4, 2],
      [200, 4, 1],
      [200, 4, 0],
    ]);
    expect(browsed()).toEqual([
      MB_ARTIST.PINK_FLOYD,
      MB_ARTIST.JAY_Z,
      MB_ARTIST.MARA_QUILL,
      MB_ARTIST.DEXTER_VALE,
    ]);
    expect(mb().map((r) => r.status)).toEqual(Array(4).fill(200));
    for (const gap of arrivalGaps(mb())) expect(gap).toBeGreaterThanOrEqual(1000);
  });
});

describe('GET /api/recommendations/albums: limits', () => {
  it('validates limit (1–50, default 20) and cuts the results at both edges', async () => {
    const a = await app();
    const [artist] = await artists(a, MB_ARTIST.PINK_FLOYD);
    await a.club.pickAlbum(await seedCreditedAlbum(a.t.dataSource, [artist]), [8]);
    const ids = Array.from(
      { length: 60 },
      (_, i) => `c0000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    );
    await storeReleaseGroups(
      a.t.dataSource,
      artist,
      ids.map((id) => releaseGroup(id, [artist])),
      a.clock.now(),
    );
    const got = async (query: string) =>
      (await a.club.albums(query)).body.results.map(
        (r: { release_group_id: string }) => r.release_group_id,
      );
    expect(await got('?limit=1')).toEqual(ids.slice(0, 1));
    expect(await got('?limit=50')).toEqual(ids.slice(0, 50));
    expect(await got('')).toEqual(ids.slice(0, 20));
    await expectLimitRefused((query) => a.club.albums(query));
  });
});
