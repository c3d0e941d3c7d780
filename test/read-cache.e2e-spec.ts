import request from 'supertest';
import type { Album } from '../src/albums/entities/album.entity.js';
import type { Movie } from '../src/movies/entities/movie.entity.js';
import { User } from '../src/users/entities/user.entity.js';
import { Week } from '../src/weeks/entities/week.entity.js';
import { FakeUpstream } from './fake-upstream/fake-upstream.js';
import { TMDB } from './fake-upstream/fixtures/tmdb.js';
import { authHeader, craftJwt, login, outcome, registerAndLogin } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, writeOutsideApi, type TestApp } from './support/test-app.js';
import {
  countQueries,
  member,
  type Member,
  seedAlbum,
  seedMovie,
  WeekPicker,
  WeeksClient,
} from './support/week-helpers.js';

const USER_AGENT = 'WrongOpinions/0.1.0 ( read-cache-tests@example.org )';
const READ_CACHE_TTL_MS = 5000;

interface WeekBody {
  id: number;
  user_id: number | null;
  owner: { id: number; username: string } | null;
  notes: string | null;
  movies: { position: number; movie: { id: number; title: string } }[];
  albums: { position: number; album: { id: number; title: string } }[];
}
interface WeekPage {
  total: number;
  results: WeekBody[];
}
interface SelectionsPage {
  total: number;
  results: { id: number; title: string; selections: { week_id: number; position: number }[] }[];
}

/**
 * The read caches (READ_CACHE_TTL): week detail, week list and both selections listings answer
 * from memory until the next write, and every kind of write must show at once in all of them.
 * Each write test first reads everything (so the old answers are cached), then writes through
 * the API, then reads again.
 */
describe('Read caches (week detail, week list, selections, the signed-in user)', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  const picker = new WeekPicker(2001);
  let fake: FakeUpstream;
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;
  let bob: Member;
  let movies: Movie[];
  let albums: Album[];

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    t = await createTestApp({ clock, env: { ...fake.env(), MUSICBRAINZ_USER_AGENT: USER_AGENT } });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
    bob = await member(t.server, 'bob');
    // Seeded before anything is read, so nothing cached predates them.
    movies = [await seedMovie(t.dataSource), await seedMovie(t.dataSource)];
    albums = [await seedAlbum(t.dataSource), await seedAlbum(t.dataSource)];
  });

  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  async function ok<T>(pending: Promise<request.Response>, status = 200): Promise<T> {
    const res = await pending;
    expect(outcome(res)).toEqual({ status, body: expect.anything() });
    return res.body as T;
  }

  const detail = (id: number) => ok<WeekBody>(api.get(alice, id));
  const list = () => ok<WeekPage>(api.list(alice, '?page_size=100'));
  const movieSelections = () => ok<SelectionsPage>(api.movieSelections(alice, '?page_size=100'));
  const albumSelections = () => ok<SelectionsPage>(api.albumSelections(alice, '?page_size=100'));

  /** Reads (and so caches) every listing and the detail of `weekIds`. */
  async function readEverything(...weekIds: number[]) {
    return {
      details: await Promise.all(weekIds.map(detail)),
      list: await list(),
      movies: await movieSelections(),
      albums: await albumSelections(),
    };
  }

  async function ownWeek(owner: Member = alice, notes: string | null = null): Promise<WeekBody> {
    return ok<WeekBody>(api.create(owner, { ...picker.next(), notes }), 201);
  }

  describe('serving from memory', () => {
    it('answers a repeated read with the same bytes and ETag, without a query', async () => {
      const week = await ownWeek();
      const first = await api.get(alice, week.id);
      expect(first.status).toBe(200);

      const { result: again, queries } = await countQueries(t.dataSource, () =>
        api.get(alice, week.id),
      );
      expect(queries).toEqual([]);
      expect(again.status).toBe(200);
      expect(again.text).toBe(first.text);
      expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.headers.etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    });

    it('keeps its answers and the signed-in user across a login, a refresh and a logout (they write refresh tokens only)', async () => {
      const frank = await registerAndLogin(t.server, { username: 'frank' });
      const week = await ownWeek();
      const first = await api.get(alice, week.id);
      expect(first.status).toBe(200);

      const { username, password } = frank.credentials;
      const tokens = await login(t.server, username, password);
      const refreshed = await request(t.server)
        .post('/api/auth/refresh')
        .send({ refresh_token: tokens.refresh_token });
      expect(refreshed.status).toBe(200);
      const loggedOut = await request(t.server)
        .post('/api/auth/logout')
        .send({ refresh_token: (refreshed.body as { refresh_token: string }).refresh_token });
      expect(loggedOut.status).toBe(204);

      const { result: again, queries } = await countQueries(t.dataSource, () =>
        api.get(alice, week.id),
      );
      expect(queries).toEqual([]);
      expect(again.text).toBe(first.text);
    });

    it('answers 304 to If-None-Match with the current ETag, and 200 once the week changed', async () => {
      const week = await ownWeek();
      const { etag } = (await api.get(alice, week.id)).headers;
      const unchanged = await request(t.server)
        .get(`/api/weeks/${week.id}`)
        .set(alice.auth)
        .set('If-None-Match', etag);
      expect(unchanged.status).toBe(304);

      expect((await api.patch(alice, week.id, { notes: 'changed' })).status).toBe(200);
      const changed = await request(t.server)
        .get(`/api/weeks/${week.id}`)
        .set(alice.auth)
        .set('If-None-Match', etag);
      expect(changed.status).toBe(200);
      expect(changed.body.notes).toBe('changed');
    });

    it('never keeps an error: a missing week is looked up every time, and found once created', async () => {
      for (let i = 0; i < 2; i++) {
        const { result, queries } = await countQueries(t.dataSource, () => api.get(alice, 987654));
        expect(outcome(result)).toEqual({ status: 404, body: { detail: 'Week not found' } });
        expect(queries.length).toBeGreaterThan(0);
      }
    });

    it('still authenticates every request: no token is 401 even for a cached answer', async () => {
      const week = await ownWeek();
      await detail(week.id);
      expect(outcome(await api.get(null, week.id))).toEqual({
        status: 401,
        body: { detail: 'Not authenticated' },
      });
    });

    it('answers every user alike: the answer depends on the URL only', async () => {
      const week = await ownWeek();
      const asAlice = await api.get(alice, week.id);
      const asBob = await api.get(bob, week.id);
      expect(asBob.text).toBe(asAlice.text);
    });
  });

  describe('every write through the API shows at once', () => {
    it('creating a week', async () => {
      const before = await readEverything();
      const week = await ownWeek();
      const after = await list();
      expect(after.total).toBe(before.list.total + 1);
      expect(after.results.map((w) => w.id)).toContain(week.id);
    });

    it('patching and clearing notes', async () => {
      const week = await ownWeek(alice, 'first');
      await readEverything(week.id);

      expect((await api.patch(alice, week.id, { notes: 'second' })).status).toBe(200);
      expect((await detail(week.id)).notes).toBe('second');
      expect((await list()).results.find((w) => w.id === week.id)?.notes).toBe('second');

      expect((await api.patch(alice, week.id, { notes: null })).status).toBe(200);
      expect((await detail(week.id)).notes).toBeNull();
    });

    it('adding and removing a movie', async () => {
      const week = await ownWeek();
      const before = await readEverything(week.id);
      expect(before.details[0].movies).toEqual([]);

      const added = await api.addMovie(alice, week.id, { tmdb_id: movies[0].tmdbId, position: 2 });
      expect(added.status).toBe(201);
      expect((await detail(week.id)).movies.map((m) => [m.position, m.movie.id])).toEqual([
        [2, movies[0].id],
      ]);
      const selected = (await movieSelections()).results.find((m) => m.id === movies[0].id);
      expect(selected?.selections.map((s) => s.week_id)).toContain(week.id);

      expect((await api.removeMovie(alice, week.id, 2)).status).toBe(204);
      expect((await detail(week.id)).movies).toEqual([]);
      const after = (await movieSelections()).results.find((m) => m.id === movies[0].id);
      expect(after?.selections.map((s) => s.week_id) ?? []).not.toContain(week.id);
    });

    it('adding and removing an album', async () => {
      const week = await ownWeek();
      await readEverything(week.id);

      const added = await api.addAlbum(alice, week.id, {
        musicbrainz_id: albums[0].musicbrainzId,
        position: 1,
      });
      expect(added.status).toBe(201);
      expect((await detail(week.id)).albums.map((a) => a.album.id)).toEqual([albums[0].id]);
      const selected = (await albumSelections()).results.find((a) => a.id === albums[0].id);
      expect(selected?.selections.map((s) => s.week_id)).toContain(week.id);

      expect((await api.removeAlbum(alice, week.id, 1)).status).toBe(204);
      expect((await detail(week.id)).albums).toEqual([]);
    });

    it('deleting a week', async () => {
      const week = await ownWeek();
      expect(
        (await api.addMovie(alice, week.id, { tmdb_id: movies[1].tmdbId, position: 1 })).status,
      ).toBe(201);
      await readEverything(week.id);

      expect((await api.remove(alice, week.id)).status).toBe(204);
      expect(outcome(await api.get(alice, week.id))).toEqual({
        status: 404,
        body: { detail: 'Week not found' },
      });
      expect((await list()).results.map((w) => w.id)).not.toContain(week.id);
      const selected = (await movieSelections()).results.find((m) => m.id === movies[1].id);
      expect(selected?.selections.map((s) => s.week_id) ?? []).not.toContain(week.id);
    });

    it('creating the current week, and claiming it with the first add', async () => {
      const before = await list();
      const current = await ok<WeekBody>(api.current(bob));
      expect(current.user_id).toBeNull();
      expect((await list()).total).toBe(before.total + 1);
      await readEverything(current.id);

      const added = await api.addMovie(bob, current.id, { tmdb_id: movies[1].tmdbId, position: 1 });
      expect(added.status).toBe(201);
      const claimed = await detail(current.id);
      expect(claimed.user_id).toBe(bob.id);
      expect(claimed.owner).toEqual({ id: bob.id, username: bob.username });
      expect((await list()).results.find((w) => w.id === current.id)?.user_id).toBe(bob.id);
    });

    it("renaming the owner (the week's owner.username)", async () => {
      const carol = await member(t.server, 'carol');
      const week = await ownWeek(carol);
      await readEverything(week.id);

      const renamed = await request(t.server)
        .patch(`/api/users/${carol.id}`)
        .set(carol.auth)
        .send({ username: 'caroline' });
      expect(renamed.status).toBe(200);
      expect((await detail(week.id)).owner).toEqual({ id: carol.id, username: 'caroline' });
      expect((await list()).results.find((w) => w.id === week.id)?.owner?.username).toBe(
        'caroline',
      );
    });

    it("refreshing a stored movie from TMDB (the week's and the listing's title)", async () => {
      // Stored long ago (older than CATALOG_TTL) under an outdated title.
      const stale = await writeOutsideApi(t, (db) =>
        seedMovie(db, { tmdbId: TMDB.INCEPTION, title: 'Working title' }),
      );
      const week = await ownWeek();
      expect(
        (await api.addMovie(alice, week.id, { tmdb_id: TMDB.INCEPTION, position: 1 })).status,
      ).toBe(201);
      const before = await readEverything(week.id);
      expect(before.details[0].movies[0].movie.title).toBe('Working title');

      const refreshed = await request(t.server)
        .get(`/api/movies/${TMDB.INCEPTION}`)
        .set(alice.auth);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.title).toBe('Inception');

      expect((await detail(week.id)).movies[0].movie.title).toBe('Inception');
      const listed = (await movieSelections()).results.find((m) => m.id === stale.id);
      expect(listed?.title).toBe('Inception');
    });
  });

  describe('changes made directly in the database', () => {
    it('show within READ_CACHE_TTL', async () => {
      const week = await ownWeek(alice, 'before');
      expect((await detail(week.id)).notes).toBe('before');

      await t.dataSource.getRepository(Week).update({ id: week.id }, { notes: 'edited by hand' });
      // Served from memory: this is what proves the answer above was cached.
      expect((await detail(week.id)).notes).toBe('before');

      clock.advance(READ_CACHE_TTL_MS);
      expect((await detail(week.id)).notes).toBe('edited by hand');
    });

    it('lock out a deactivated user within a second, however recently they were seen', async () => {
      const dave = await member(t.server, 'dave');
      expect((await api.list(dave)).status).toBe(200);

      await t.dataSource.getRepository(User).update({ id: dave.id }, { isActive: false });
      // Less than READ_CACHE_TTL (5 s here): the signed-in user is kept for a second at most.
      clock.advance(1000);
      expect(outcome(await api.list(dave))).toEqual({
        status: 401,
        body: { detail: 'User account is inactive' },
      });

      await writeOutsideApi(t, (db) =>
        db.getRepository(User).update({ id: dave.id }, { isActive: true }),
      );
      expect((await api.list(dave)).status).toBe(200);
    });
  });

  describe('access tokens already verified', () => {
    it('are refused once expired by the Clock, though they were accepted before', async () => {
      const exp = Math.floor(clock.now().getTime() / 1000) + 60;
      const token = craftJwt({ sub: String(alice.id), iat: exp - 120, exp });
      expect((await api.list({ ...alice, auth: authHeader(token) })).status).toBe(200);
      clock.setTo(exp * 1000 - 1);
      expect((await api.list({ ...alice, auth: authHeader(token) })).status).toBe(200);

      clock.setTo(exp * 1000);
      expect(outcome(await api.list({ ...alice, auth: authHeader(token) }))).toEqual({
        status: 401,
        body: { detail: 'Could not validate credentials' },
      });
    });

    it('are refused once their user is deleted', async () => {
      const erin = await member(t.server, 'erin');
      expect((await api.list(erin)).status).toBe(200);
      await writeOutsideApi(t, (db) => db.getRepository(User).delete({ id: erin.id }));
      expect(outcome(await api.list(erin))).toEqual({
        status: 401,
        body: { detail: 'Could not validate credentials' },
      });
    });

    it('must match exactly to skip verification: a forged signature on a known payload is 401', async () => {
      const token = alice.auth.Authorization.slice('Bearer '.length);
      expect((await api.list(alice)).status).toBe(200);
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(43)}`;
      expect(outcome(await api.list({ ...alice, auth: authHeader(forged) }))).toEqual({
        status: 401,
        body: { detail: 'Could not validate credentials' },
      });
    });
  });
});

describe('READ_CACHE_TTL=0', () => {
  const clock = new FakeClock('2025-03-04T05:06:07.089Z');
  let t: TestApp;
  let api: WeeksClient;
  let alice: Member;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { READ_CACHE_TTL: '0' } });
    api = new WeeksClient(t.server);
    alice = await member(t.server, 'alice');
  });

  afterAll(async () => {
    await t.close();
  });

  it('reads the database on every request, and sees changes made there at once', async () => {
    const created = await api.create(alice, { year: 2010, week_number: 10, notes: 'before' });
    expect(created.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const { result, queries } = await countQueries(t.dataSource, () =>
        api.get(alice, created.body.id),
      );
      expect(result.status).toBe(200);
      expect(queries.length).toBeGreaterThan(0);
    }
    await t.dataSource.getRepository(Week).update({ id: created.body.id }, { notes: 'by hand' });
    expect((await api.get(alice, created.body.id)).body.notes).toBe('by hand');
  });
});
