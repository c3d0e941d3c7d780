/** Rows both migration specs (SQLite and PostgreSQL) store in the recommendations tables. */

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
