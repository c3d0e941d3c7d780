import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Verdict } from '../src/verdicts/entities/verdict.entity.js';
import { outcome } from './support/auth-helpers.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { judgeableWeek, VerdictsClient } from './support/verdict-helpers.js';
import { failure, member, type Member, WeekPicker, WeeksClient } from './support/week-helpers.js';

/**
 * The races of opinions.md §1.2 and §1.5 where they are real: on PostgreSQL write transactions
 * overlap (SQLite runs them one at a time). Each run works in its own throw-away database, as the
 * migration specs do.
 */
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432';

describe('Verdict races on PostgreSQL', () => {
  const databaseName = `wo_verdicts_${randomBytes(6).toString('hex')}`;
  const picker = new WeekPicker(1980);
  let admin: DataSource;
  let t: TestApp;
  let api: WeeksClient;
  let verdicts: VerdictsClient;
  let alice: Member;
  let others: Member[];

  beforeAll(async () => {
    admin = new DataSource({ type: 'postgres', url: `${SERVER_URL}/test` });
    await admin.initialize();
    await admin.query(`CREATE DATABASE "${databaseName}"`);
    t = await createTestApp({
      env: { DATABASE_URL: `${SERVER_URL}/${databaseName}` },
      listen: true,
    });
    api = new WeeksClient(t.server);
    verdicts = new VerdictsClient(t.server);
    alice = await member(t.server, 'alice');
    others = [];
    for (const name of ['bob', 'carol', 'dave', 'erin']) others.push(await member(t.server, name));
  });

  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      await admin.destroy();
    }
  });

  const verdictCount = () => t.dataSource.getRepository(Verdict).count();

  it('the reads with verdicts run here too: week detail, both selections, the diary', async () => {
    const week = await judgeableWeek(t.dataSource, api, alice, picker.next(), {
      movies: 1,
      albums: 1,
    });
    for (const [who, rating] of [
      [alice, 7],
      [others[0], 8],
      [others[1], 10],
    ] as const) {
      expect((await verdicts.put(who, week.id, 'movie', 1, { rating })).status).toBe(201);
      expect((await verdicts.put(who, week.id, 'album', 1, { rating })).status).toBe(201);
    }
    const rating = { count: 3, average: 8.33, spread: 1.25 };
    const detail = (await api.get(alice, week.id)).body;
    expect([detail.movies[0].rating, detail.albums[0].rating]).toEqual([rating, rating]);
    for (const listing of [
      await api.movieSelections(alice, '?page_size=100'),
      await api.albumSelections(alice, '?page_size=100'),
    ]) {
      const [item] = (listing.body.results as { rating: unknown; selections: unknown[] }[]).filter(
        (entry) => JSON.stringify(entry.selections).includes(`"week_id":${week.id},`),
      );
      expect(item.rating).toEqual(rating);
    }
    const diary = await verdicts.diary(alice, others[1].id, `?year=${week.year}&kind=album`);
    expect(diary.status).toBe(200);
    expect(diary.body.results).toEqual([
      expect.objectContaining({ kind: 'album', week_id: week.id, position: 1, rating: 10 }),
    ]);
  });

  it('10 concurrent PUTs by one member on one pick: one verdict, exactly one 201, no 5xx', async () => {
    for (let round = 0; round < 3; round++) {
      const week = await judgeableWeek(t.dataSource, api, alice, picker.next(), { albums: 1 });
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          verdicts.put(others[0], week.id, 'album', 1, { rating: i + 1, review: `take ${i + 1}` }),
        ),
      );
      expect(responses.map((res) => res.status).sort()).toEqual([
        ...Array<number>(9).fill(200),
        201,
      ]);
      const slot = (await api.get(alice, week.id)).body.albums[0];
      expect(slot.verdicts).toHaveLength(1);
      expect(slot.verdicts[0].review).toBe(`take ${slot.verdicts[0].rating}`);
    }
  });

  it('a verdict racing a pick removal is never lost: the removal is refused, or the verdict is', async () => {
    for (let round = 0; round < 10; round++) {
      const week = await judgeableWeek(t.dataSource, api, alice, picker.next(), { movies: 1 });
      const before = await verdictCount();
      const [put, removed] = await Promise.all([
        verdicts.put(others[0], week.id, 'movie', 1, { rating: 5 }),
        api.removeMovie(alice, week.id, 1),
      ]);
      if (removed.status === 204) {
        expect(outcome(put)).toEqual(failure(404, 'No movie found at position 1'));
        expect(await verdictCount()).toBe(before);
      } else {
        expect(outcome(removed)).toEqual(
          failure(409, 'Cannot remove this movie: other members have judged it (1 verdict)'),
        );
        expect(put.status).toBe(201);
        expect((await api.get(alice, week.id)).body.movies[0].verdicts).toEqual([put.body]);
      }
    }
  });

  it("verdicts racing a week delete, the owner's own among them: refused with every other verdict kept, or all gone with the week", async () => {
    for (let round = 0; round < 10; round++) {
      const week = await judgeableWeek(t.dataSource, api, alice, picker.next(), {
        movies: 2,
        albums: 2,
      });
      const before = await verdictCount();
      const [deleted, ...puts] = await Promise.all([
        api.remove(alice, week.id),
        verdicts.put(alice, week.id, 'movie', 1, { rating: 9 }),
        ...others.map((who, i) =>
          verdicts.put(who, week.id, i % 2 === 0 ? 'movie' : 'album', (i % 2) + 1, { rating: 4 }),
        ),
      ]);
      for (const res of puts) expect([201, 404]).toContain(res.status);
      const stored = puts.filter((res) => res.status === 201).length;
      if (deleted.status === 204) {
        // Only the owner's own verdict may have been stored before, and it went with the week.
        expect(puts.slice(1).every((res) => res.status === 404)).toBe(true);
        expect(await verdictCount()).toBe(before);
      } else {
        expect(deleted.status).toBe(409);
        expect(deleted.body.detail).toMatch(
          /^Cannot delete this week: other members have judged its picks \(\d+ verdicts?\)$/,
        );
        expect(await verdictCount()).toBe(before + stored);
        // Whatever was not stored was refused as gone, never silently dropped.
        expect(puts.every((res) => res.status === 201)).toBe(true);
      }
    }
  });
});
