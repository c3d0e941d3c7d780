/** What both migration specs (SQLite and PostgreSQL) expect of the schema, and rows they store. */

/** The tables each migration creates, oldest first: reverting one drops exactly its own. */
export const MIGRATION_TABLES: [name: string, tables: string[]][] = [
  [
    'InitialSchema1764000000000',
    [
      'users',
      'refresh_tokens',
      'weeks',
      'movies',
      'people',
      'movie_cast',
      'movie_crew',
      'albums',
      'album_aliases',
      'artists',
      'album_artists',
      'week_movies',
      'week_albums',
    ],
  ],
  ['Verdicts1796256000000', ['verdicts']],
  ['Invites1796515200000', ['invites']],
  ['InstanceCoordination1796601600000', ['throttle_windows', 'upstream_pacing']],
  ['Recommendations1796688000000', ['movie_recommendations', 'artist_release_groups']],
  ['Stats1796774400000', ['movie_genres']],
  [
    'StatsYears1796860800000',
    [
      'stats_years',
      'stats_year_totals',
      'stats_year_tallies',
      'stats_year_members',
      'stats_year_pairs',
      'stats_year_picks',
      'stats_year_spans',
    ],
  ],
];
export const TABLES = MIGRATION_TABLES.flatMap(([, tables]) => tables);
export const MIGRATION_NAMES = MIGRATION_TABLES.map(([name]) => name);

/** A recommendations list and a release-group list as the app stores them. */
export const STORED_LISTS = {
  results: [
    { tmdbId: 1946, title: 'eXistenZ', releaseDate: null, posterPath: null, voteAverage: 6.9 },
  ],
  releaseGroups: [
    {
      releaseGroupId: 'f5093c06-23e3-404f-aeaa-40f72885ee3a',
      title: 'The Dark Side of the Moon',
      primaryType: 'Album',
      secondaryTypes: ['Live'],
      firstReleaseDate: '1973-03',
      artist: 'Pink Floyd',
      artistIds: ['83d91898-7763-47d7-b03b-b92132375c47'],
    },
  ],
};

/** Pink Floyd, as an album lookup stores it. */
export const PINK_FLOYD_ROW = {
  musicbrainzId: '83d91898-7763-47d7-b03b-b92132375c47',
  name: 'Pink Floyd',
  sortName: 'Pink Floyd',
  disambiguation: null,
  artistType: 'Group',
  country: 'GB',
  updatedAt: new Date('2025-12-28T16:05:00.000Z'),
};
