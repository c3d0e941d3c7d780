// The hand-built history the stats specs assert exactly (opinions.md §2), seeded straight into the
// database like the other seed helpers (no upstream call): four members, eight weeks over three years,
// fourteen picks and 37 verdicts, the ratings chosen so that every ordering and tie-break rule of §2.2
// decides something. The expected figures are worked out in test/stats.e2e-spec.ts.
import type { DataSource } from 'typeorm';
import { AlbumArtist } from '../../src/albums/entities/album-artist.entity.js';
import type { Album } from '../../src/albums/entities/album.entity.js';
import { Artist } from '../../src/albums/entities/artist.entity.js';
import { MovieCrew } from '../../src/movies/entities/movie-crew.entity.js';
import type { Movie } from '../../src/movies/entities/movie.entity.js';
import { Person } from '../../src/movies/entities/person.entity.js';
import { Verdict } from '../../src/verdicts/entities/verdict.entity.js';
import { WeekAlbum } from '../../src/weeks/entities/week-album.entity.js';
import { WeekMovie } from '../../src/weeks/entities/week-movie.entity.js';
import type { TestApp } from './test-app.js';
import {
  member,
  type Member,
  seedAlbum,
  seedMovie,
  seedWeek,
  seedWeekAlbum,
  seedWeekMovie,
} from './week-helpers.js';

const STORED_AT = new Date('2020-01-02T03:04:05.678Z');

const GENRE = {
  ACTION: { id: 28, name: 'Action' },
  COMEDY: { id: 35, name: 'Comedy' },
  CRIME: { id: 80, name: 'Crime' },
  DRAMA: { id: 18, name: 'Drama' },
  HORROR: { id: 27, name: 'Horror' },
  MYSTERY: { id: 9648, name: 'Mystery' },
  ROMANCE: { id: 10749, name: 'Romance' },
  SCIFI: { id: 878, name: 'Science Fiction' },
  THRILLER: { id: 53, name: 'Thriller' },
};

export const DIRECTORS = {
  SCOTT: { tmdbId: 578, name: 'Ridley Scott' },
  NOLAN: { tmdbId: 525, name: 'Christopher Nolan' },
  JEUNET: { tmdbId: 2419, name: 'Jean-Pierre Jeunet' },
  FINCHER: { tmdbId: 7467, name: 'David Fincher' },
  CUARON: { tmdbId: 11218, name: 'Alfonso Cuarón' },
};

export const ARTISTS = {
  RADIOHEAD: { musicbrainzId: 'a74b1b7f-71a5-4011-9441-d0b5e4122711', name: 'Radiohead' },
  BJORK: { musicbrainzId: '87c5dedd-371d-4a53-9f7f-80522fb7f3cb', name: 'Björk' },
};

type Director = (typeof DIRECTORS)[keyof typeof DIRECTORS];
type Credited = (typeof ARTISTS)[keyof typeof ARTISTS];

export interface StatsData {
  /** Registered in the order dave, alice, carol, bob: ids and usernames sort differently. */
  alice: Member;
  bob: Member;
  carol: Member;
  dave: Member;
  /** Week ids by `YYYY-Www`. */
  weeks: Record<string, number>;
}

type Name = 'alice' | 'bob' | 'carol' | 'dave';
/** A rating, or [rating or null, review]. */
type Given = number | [number | null, string];

/**
 * Who judged which pick (its week, kind and position). Dave owns no week; nobody judged Children of
 * Men; Untitled is rated but has no TMDB votes; Kid A has a review without a rating.
 */
const VERDICTS: [string, 'movie' | 'album', number, Partial<Record<Name, Given>>][] = [
  ['2019-W10', 'movie', 1, { alice: 8, carol: 8, dave: 8 }], // Alien
  ['2019-W10', 'album', 1, { alice: 9, dave: 9 }], // OK Computer
  ['2019-W11', 'movie', 1, { bob: 9, carol: 9, dave: 9 }], // Blade Runner
  ['2020-W51', 'movie', 1, { alice: [10, 'Perfect.'], bob: 2, carol: 4, dave: 6 }], // Inception
  ['2020-W51', 'movie', 2, { bob: 9, carol: [9, 'Charming.'] }], // Amélie
  ['2020-W51', 'album', 1, { bob: 7, dave: 7, carol: [null, 'Not my thing.'] }], // Kid A
  ['2020-W52', 'movie', 1, { alice: 1, carol: 5, dave: 1 }], // Untitled
  ['2020-W52', 'album', 1, { alice: 9, carol: 8 }], // Homogenic
  ['2020-W52', 'album', 2, { alice: 4, carol: 6, dave: 6 }], // Collab
  ['2020-W53', 'movie', 1, { bob: 10, carol: 8 }], // Memento
  ['2021-W01', 'movie', 1, { alice: 6, carol: 6, dave: 8 }], // Zodiac
  ['2021-W01', 'movie', 2, { carol: 9, alice: 9, bob: 9, dave: 7 }], // Inception again
  ['2021-W01', 'album', 1, { dave: 4, alice: 6, carol: 6 }], // Vespertine
];

/**
 * Weeks (owner: movies / albums by position):
 * - 2019-W10 bob:    Alien / OK Computer
 * - 2019-W11 alice:  Blade Runner, Children of Men (unjudged) / –
 * - 2020-W51 alice:  Inception, Amélie / Kid A
 * - 2020-W52 bob:    Untitled (no runtime, release date, genres or credits) / Homogenic, Collab (no date)
 * - 2020-W53 alice:  Memento / –
 * - 2021-W01 carol:  Zodiac, Inception (its second pick) / Vespertine
 * - 2021-W02 unclaimed, empty; 2021-W05 bob, empty.
 */
export async function seedStatsData(t: TestApp): Promise<StatsData> {
  const { dataSource, server } = t;
  const dave = await member(server, 'dave');
  const alice = await member(server, 'alice');
  const carol = await member(server, 'carol');
  const bob = await member(server, 'bob');

  const movie = (
    title: string,
    releaseDate: string | null,
    runtime: number | null,
    genres: { id: number; name: string }[],
    directors: Director[],
    vote: [number, number],
  ) =>
    seedCreditedMovie(
      dataSource,
      { title, releaseDate, runtime, genres, voteAverage: vote[0], voteCount: vote[1] },
      directors,
    );
  const { SCIFI, HORROR, ACTION, COMEDY, ROMANCE, MYSTERY, THRILLER, CRIME, DRAMA } = GENRE;
  const { SCOTT, NOLAN, JEUNET, FINCHER, CUARON } = DIRECTORS;
  const alien = await movie('Alien', '1979-05-25', 117, [HORROR, SCIFI], [SCOTT], [8.1, 100]);
  const bladeRunner = await movie('Blade Runner', '1982-06-25', 117, [SCIFI], [SCOTT], [7.9, 90]);
  const inception = await movie(
    'Inception',
    '2010-07-15',
    148,
    [ACTION, SCIFI],
    [NOLAN],
    [8.4, 80],
  );
  const amelie = await movie('Amélie', '2001-04-25', null, [COMEDY, ROMANCE], [JEUNET], [7.9, 70]);
  const untitled = await movie('Untitled', null, null, [], [], [0, 0]);
  const memento = await movie(
    'Memento',
    '2000-10-11',
    113,
    [MYSTERY, THRILLER],
    [NOLAN],
    [8.2, 60],
  );
  const childrenOfMen = await movie(
    'Children of Men',
    '2006-09-22',
    109,
    [DRAMA, SCIFI, THRILLER],
    [CUARON],
    [7.6, 40],
  );
  const zodiac = await movie(
    'Zodiac',
    '2007-03-02',
    157,
    [CRIME, DRAMA, MYSTERY],
    [FINCHER],
    [7.5, 50],
  );

  const { RADIOHEAD, BJORK } = ARTISTS;
  const album = (title: string, releaseDate: string | null, artists: Credited[]) =>
    seedCreditedAlbum(dataSource, { title, releaseDate }, artists);
  const okComputer = await album('OK Computer', '1997-05-21', [RADIOHEAD]);
  const kidA = await album('Kid A', '2000', [RADIOHEAD]);
  const homogenic = await album('Homogenic', '1997-09', [BJORK]);
  // Radiohead credited twice on one album: still one pick of theirs.
  const collab = await album('Collab', null, [RADIOHEAD, BJORK, RADIOHEAD]);
  const vespertine = await album('Vespertine', '2001-08-27', [BJORK]);

  const weeks: Record<string, number> = {};
  const week = async (
    label: string,
    owner: Member | null,
    movies: Movie[] = [],
    albums: Album[] = [],
  ) => {
    const [year, weekNumber] = label.split('-W').map(Number);
    const { id } = await seedWeek(dataSource, {
      year,
      week_number: weekNumber,
      userId: owner?.id ?? null,
    });
    weeks[label] = id;
    for (const [index, item] of movies.entries())
      await seedWeekMovie(dataSource, id, item, index + 1);
    for (const [index, item] of albums.entries())
      await seedWeekAlbum(dataSource, id, item, index + 1);
  };
  await week('2019-W10', bob, [alien], [okComputer]);
  await week('2019-W11', alice, [bladeRunner, childrenOfMen]);
  await week('2020-W51', alice, [inception, amelie], [kidA]);
  await week('2020-W52', bob, [untitled], [homogenic, collab]);
  await week('2020-W53', alice, [memento]);
  await week('2021-W01', carol, [zodiac, inception], [vespertine]);
  await week('2021-W02', null);
  await week('2021-W05', bob);

  const members = { alice, bob, carol, dave };
  for (const [label, kind, position, given] of VERDICTS) {
    const entity = kind === 'movie' ? WeekMovie : WeekAlbum;
    const pick = await dataSource
      .getRepository(entity)
      .findOneByOrFail({ weekId: weeks[label], position });
    for (const [name, verdict] of Object.entries(given) as [Name, Given][]) {
      const [rating, review] = typeof verdict === 'number' ? [verdict, null] : verdict;
      await dataSource.getRepository(Verdict).insert({
        weekMovieId: kind === 'movie' ? pick.id : null,
        weekAlbumId: kind === 'album' ? pick.id : null,
        userId: members[name].id,
        rating,
        review,
        spoiler: false,
        consumedOn: null,
        createdAt: STORED_AT,
        updatedAt: STORED_AT,
      });
    }
  }
  return { ...members, weeks };
}

/** A stored movie with its genres and, when `directors` is not empty, its stored credits. */
export async function seedCreditedMovie(
  dataSource: DataSource,
  fields: Partial<Movie>,
  directors: Director[],
): Promise<Movie> {
  const movie = await seedMovie(dataSource, {
    ...fields,
    creditsCachedAt: directors.length > 0 ? STORED_AT : null,
  });
  for (const [listIndex, director] of directors.entries()) {
    const person = await personOf(dataSource, director);
    await dataSource.getRepository(MovieCrew).insert({
      movieId: movie.id,
      personId: person,
      department: 'Directing',
      job: 'Director',
      listIndex,
    });
    // Other key jobs must not count as directing.
    await dataSource.getRepository(MovieCrew).insert({
      movieId: movie.id,
      personId: person,
      department: 'Writing',
      job: 'Screenplay',
      listIndex: listIndex + 10,
    });
  }
  return movie;
}

/** A stored album credited to `artists`, in that order. */
export async function seedCreditedAlbum(
  dataSource: DataSource,
  fields: Partial<Album>,
  artists: Credited[],
): Promise<Album> {
  const album = await seedAlbum(dataSource, {
    ...fields,
    artist: artists.map((artist) => artist.name).join(' & '),
  });
  for (const [creditOrder, credited] of artists.entries()) {
    await dataSource.getRepository(AlbumArtist).insert({
      albumId: album.id,
      artistId: await artistOf(dataSource, credited),
      creditedName: credited.name,
      joinPhrase: creditOrder + 1 < artists.length ? ' & ' : null,
      creditOrder,
    });
  }
  return album;
}

async function personOf(dataSource: DataSource, { tmdbId, name }: Director): Promise<number> {
  const people = dataSource.getRepository(Person);
  const known = await people.findOneBy({ tmdbId });
  if (known) return known.id;
  const { identifiers } = await people.insert({
    tmdbId,
    name,
    profilePath: null,
    updatedAt: STORED_AT,
  });
  return identifiers[0].id as number;
}

async function artistOf(
  dataSource: DataSource,
  { musicbrainzId, name }: Credited,
): Promise<number> {
  const artists = dataSource.getRepository(Artist);
  const known = await artists.findOneBy({ musicbrainzId });
  if (known) return known.id;
  const { identifiers } = await artists.insert({
    musicbrainzId,
    name,
    sortName: null,
    disambiguation: null,
    artistType: null,
    country: null,
    updatedAt: STORED_AT,
  });
  return identifiers[0].id as number;
}
