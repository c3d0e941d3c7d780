import type { MovieRecommendation, ReleaseGroupData } from '../catalog/catalog.types.js';
import type { Seed } from './seeds.js';

/**
 * The arithmetic of recommendations.md §2 and §3, on data already read: no I/O here. Weights and
 * scores are integers in hundredths, so sums are exact and ties are real ties.
 */

export interface RankedMovie {
  movie: MovieRecommendation;
  scoreHundredths: number;
  /** The seeds that recommend it, by weight desc (seed order). */
  because: Seed[];
}

export interface RankedReleaseGroup {
  group: ReleaseGroupData;
  scoreHundredths: number;
  /** The seed albums of its credited seed artists, by weight desc, then title. */
  because: Seed[];
}

/**
 * Movies: the union of the seeds' lists minus every picked movie, scored by the sum of the weights
 * of the seeds recommending each; by score desc, then the number of those seeds desc, then
 * `vote_average` desc, then `tmdb_id` asc. `seeds` come in seed order; a movie in several lists
 * shows what the first of them says about it.
 */
export function rankMovies(
  seeds: readonly Seed[],
  listOf: (seed: Seed) => readonly MovieRecommendation[] | undefined,
  picked: ReadonlySet<number>,
  limit: number,
): RankedMovie[] {
  const candidates = new Map<number, RankedMovie>();
  for (const seed of seeds) {
    for (const movie of listOf(seed) ?? []) {
      if (picked.has(movie.tmdbId)) continue;
      const candidate = candidates.get(movie.tmdbId) ?? { movie, scoreHundredths: 0, because: [] };
      candidate.scoreHundredths += seed.weightHundredths;
      candidate.because.push(seed);
      candidates.set(movie.tmdbId, candidate);
    }
  }
  return [...candidates.values()]
    .sort(
      (a, b) =>
        b.scoreHundredths - a.scoreHundredths ||
        b.because.length - a.because.length ||
        b.movie.voteAverage - a.movie.voteAverage ||
        a.movie.tmdbId - b.movie.tmdbId,
    )
    .slice(0, limit);
}

/**
 * Albums: the release groups of the seed artists with primary type Album and no secondary type,
 * minus those of picked albums, scored by the sum of the weights of the seed artists credited on
 * each (an artist weighs the sum of its seed albums' weights); by score desc, then
 * `first_release_date` desc as text (unknown last), then `release_group_id` asc.
 *
 * `artistsOf` gives a seed album's credited artists (MBIDs); `listOf` an artist's release groups,
 * or undefined when they are not known. A browse lists the release groups crediting the artist, so
 * it counts as credited on every group of its own list, whatever the group's credit says.
 */
export function rankReleaseGroups(
  seeds: readonly Seed[],
  artistsOf: (seed: Seed) => readonly string[],
  listOf: (artistMbid: string) => readonly ReleaseGroupData[] | undefined,
  picked: ReadonlySet<string>,
  limit: number,
): RankedReleaseGroup[] {
  const seedArtists = new Map<string, { weightHundredths: number; albums: Seed[] }>();
  for (const seed of seeds) {
    for (const mbid of new Set(artistsOf(seed))) {
      const artist = seedArtists.get(mbid) ?? { weightHundredths: 0, albums: [] };
      artist.weightHundredths += seed.weightHundredths;
      artist.albums.push(seed);
      seedArtists.set(mbid, artist);
    }
  }

  const candidates = new Map<string, { group: ReleaseGroupData; credited: Set<string> }>();
  for (const owner of seedArtists.keys()) {
    for (const group of listOf(owner) ?? []) {
      if (!isPlainAlbum(group) || picked.has(group.releaseGroupId)) continue;
      const candidate = candidates.get(group.releaseGroupId) ?? { group, credited: new Set() };
      for (const mbid of [owner, ...group.artistIds]) {
        if (seedArtists.has(mbid)) candidate.credited.add(mbid);
      }
      candidates.set(group.releaseGroupId, candidate);
    }
  }

  const ranked = [...candidates.values()].map(({ group, credited }) => {
    const artists = [...credited].map((mbid) => seedArtists.get(mbid)!);
    const because = [...new Set(artists.flatMap((artist) => artist.albums))].sort(
      (a, b) => b.weightHundredths - a.weightHundredths || byText(a.title, b.title) || a.id - b.id,
    );
    const scoreHundredths = artists.reduce((sum, artist) => sum + artist.weightHundredths, 0);
    return { group, scoreHundredths, because };
  });
  return ranked
    .sort(
      (a, b) =>
        b.scoreHundredths - a.scoreHundredths ||
        byDateDescUnknownLast(a.group.firstReleaseDate, b.group.firstReleaseDate) ||
        byText(a.group.releaseGroupId, b.group.releaseGroupId),
    )
    .slice(0, limit);
}

/** Primary type Album and no secondary type: no compilations, live albums, singles or EPs. */
function isPlainAlbum(group: ReleaseGroupData): boolean {
  return group.primaryType === 'Album' && group.secondaryTypes.length === 0;
}

/** Partial dates compared as text, newest first ("1973-03" before "1973"); null last. */
function byDateDescUnknownLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return byText(b, a);
}

/** Plain string order (UTF-16 code units), never the locale's: the same on every machine. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
