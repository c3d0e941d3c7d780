import type { AlbumSearchResult } from '../catalog.types.js';
import {
  joinArtistCredit,
  mapRelease,
  mapReleaseGroupPage,
  mapSearchReply,
  partialDate,
  UNKNOWN_ARTIST,
} from './musicbrainz.mapper.js';

const ANIMALS = '4f9e1a4b-7d0c-4a57-9a8d-1c2b3d4e5f60';
const ANIMALS_GROUP = '0b3c6f2e-9a41-4e7d-8c15-2f6a7b8c9d01';
const PINK_FLOYD = '83d91898-7763-47d7-b03b-b92132375c47';
const JAY_Z = 'f82bcf78-5b69-4622-a5ef-73800768d9ac';
const KANYE = '164f0d73-1234-4e2c-8743-d77bf2191051';

/** A search entry in MusicBrainz's search shape: unknown fields omitted, empty joinphrase omitted. */
function searchEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ANIMALS,
    score: 100,
    'status-id': '4e304316-386d-3409-af2e-78857eec5cfe',
    count: 1,
    title: 'Animals',
    status: 'Official',
    'text-representation': { language: 'eng', script: 'Latn' },
    'artist-credit': [{ name: 'Pink Floyd', artist: { id: PINK_FLOYD, name: 'Pink Floyd' } }],
    'release-group': { id: ANIMALS_GROUP, 'primary-type': 'Album' },
    date: '1977-01-23',
    country: 'GB',
    barcode: '',
    'track-count': 5,
    ...overrides,
  };
}

function mapOne(entry: Record<string, unknown>): AlbumSearchResult {
  const reply = mapSearchReply({ created: '2024-01-01T00:00:00Z', count: 1, releases: [entry] });
  expect(reply?.results).toHaveLength(1);
  return reply!.results[0];
}

/** A lookup reply with inc=artist-credits+release-groups, in MusicBrainz's lookup shape. */
function lookupReply(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ANIMALS,
    title: 'Animals',
    status: 'Official',
    date: '1977-01-23',
    country: 'GB',
    barcode: null,
    quality: 'normal',
    'artist-credit': [
      {
        name: 'Pink Floyd',
        joinphrase: '',
        artist: {
          id: PINK_FLOYD,
          name: 'Pink Floyd',
          'sort-name': 'Pink Floyd',
          disambiguation: '',
          type: 'Group',
          country: 'GB',
        },
      },
    ],
    'release-group': { id: ANIMALS_GROUP, title: 'Animals', 'primary-type': 'Album' },
    ...overrides,
  };
}

describe(joinArtistCredit.name, () => {
  it('joins a single credit', () => {
    expect(joinArtistCredit([{ name: 'Pink Floyd', joinphrase: '' }])).toBe('Pink Floyd');
  });

  it('joins two credits with their join phrase, the last one having none', () => {
    expect(joinArtistCredit([{ name: 'Jay-Z', joinphrase: ' & ' }, { name: 'Kanye West' }])).toBe(
      'Jay-Z & Kanye West',
    );
  });

  it('joins three credits with each one’s join phrase', () => {
    expect(
      joinArtistCredit([
        { name: 'Mara Quill', joinphrase: ' & ' },
        { name: 'Dexter Vale', joinphrase: ' feat. ' },
        { name: 'Ono Brass', joinphrase: '' },
      ]),
    ).toBe('Mara Quill & Dexter Vale feat. Ono Brass');
  });

  it('invents no separator where the join phrase is missing', () => {
    expect(joinArtistCredit([{ name: 'Simon' }, { name: 'Garfunkel' }])).toBe('SimonGarfunkel');
  });

  it('uses the credited name, not the artist’s canonical name', () => {
    expect(
      joinArtistCredit([
        { name: 'Jay-Z', joinphrase: ' & ', artist: { id: JAY_Z, name: 'JAY‐Z' } },
        { name: 'Kanye West', artist: { id: KANYE, name: 'Kanye West' } },
      ]),
    ).toBe('Jay-Z & Kanye West');
  });

  it('trims the result', () => {
    expect(joinArtistCredit([{ name: ' Pink Floyd', joinphrase: ' ' }])).toBe('Pink Floyd');
  });

  it.each([
    ['no credits', []],
    ['a missing credit', undefined],
    ['a null credit', null],
    ['credits joining to blanks', [{ name: ' ', joinphrase: ' ' }]],
    ['credits with empty names', [{ name: '', joinphrase: '' }]],
  ])('answers "Unknown Artist" for %s', (_case, credit) => {
    expect(joinArtistCredit(credit)).toBe('Unknown Artist');
    expect(UNKNOWN_ARTIST).toBe('Unknown Artist');
  });
});

describe(partialDate.name, () => {
  it.each(['1973', '1973-03', '1973-03-01', '1973-12-31', '2024-02-29', '2000-02-29'])(
    'keeps %s as given',
    (date) => {
      expect(partialDate(date)).toBe(date);
    },
  );

  it.each([
    '1973-13',
    '1973-00',
    '1973-02-30',
    '1973-04-31',
    '1973-03-00',
    '2023-02-29',
    '1900-02-29',
    '',
    '73',
    '1973-3',
    '1973-03-1',
    '1973-',
    '1973/03/01',
    ' 1973',
    '1973-03-01T00:00:00Z',
  ])('turns %j into null', (date) => {
    expect(partialDate(date)).toBeNull();
  });

  it.each([null, undefined, 1973])('turns %p into null', (date) => {
    expect(partialDate(date)).toBeNull();
  });
});

describe(mapSearchReply.name, () => {
  it('maps an entry to our search result', () => {
    expect(mapOne(searchEntry())).toEqual({
      musicbrainzId: ANIMALS,
      title: 'Animals',
      artist: 'Pink Floyd',
      releaseDate: '1977-01-23',
      country: 'GB',
      score: 100,
    });
  });

  it('passes count through', () => {
    expect(mapSearchReply({ count: 30, offset: 25, releases: [searchEntry()] })?.count).toBe(30);
  });

  it.each([
    ['count', { releases: [] }],
    ['count as a string', { count: '1', releases: [] }],
    ['releases', { count: 0 }],
    ['releases as an object', { count: 0, releases: {} }],
  ])('rejects a reply with a missing or mistyped %s', (_case, reply) => {
    expect(mapSearchReply(reply)).toBeNull();
  });

  it('lowercases the release id', () => {
    expect(mapOne(searchEntry({ id: ANIMALS.toUpperCase() })).musicbrainzId).toBe(ANIMALS);
  });

  it('keeps the first of entries with the same id', () => {
    const reply = mapSearchReply({
      count: 3,
      releases: [
        searchEntry({ title: 'First' }),
        searchEntry({ id: PINK_FLOYD, title: 'Other' }),
        searchEntry({ title: 'Repeat' }),
        searchEntry({ id: ANIMALS.toUpperCase(), title: 'Repeat in capitals' }),
      ],
    });

    expect(reply?.results.map((result) => result.title)).toEqual(['First', 'Other']);
  });

  it('drops entries without a string id or a string title', () => {
    const reply = mapSearchReply({
      count: 5,
      releases: [
        searchEntry({ id: undefined }),
        searchEntry({ id: 42 }),
        searchEntry({ title: undefined }),
        searchEntry({ title: null }),
        null,
        searchEntry({ id: JAY_Z, title: 'Kept' }),
      ],
    });

    expect(reply?.results.map((result) => result.musicbrainzId)).toEqual([JAY_Z]);
  });

  it('scores a missing or mistyped score as 0', () => {
    expect(mapOne(searchEntry({ score: undefined })).score).toBe(0);
    expect(mapOne(searchEntry({ score: '90' })).score).toBe(0);
    expect(mapOne(searchEntry({ score: 0 })).score).toBe(0);
    expect(mapOne(searchEntry({ score: 87 })).score).toBe(87);
  });

  it('turns an empty or absent country into null', () => {
    expect(mapOne(searchEntry({ country: '' })).country).toBeNull();
    expect(mapOne(searchEntry({ country: undefined })).country).toBeNull();
  });

  it('applies the partial-date rule, the date being often absent', () => {
    expect(mapOne(searchEntry({ date: '1977' })).releaseDate).toBe('1977');
    expect(mapOne(searchEntry({ date: '1977-01' })).releaseDate).toBe('1977-01');
    expect(mapOne(searchEntry({ date: undefined })).releaseDate).toBeNull();
    expect(mapOne(searchEntry({ date: '1977-13' })).releaseDate).toBeNull();
  });

  it('joins a multi-artist credit whose last join phrase is omitted', () => {
    const entry = searchEntry({
      'artist-credit': [
        { name: 'Jay-Z', joinphrase: ' & ', artist: { id: JAY_Z, name: 'JAY‐Z' } },
        { name: 'Kanye West', artist: { id: KANYE, name: 'Kanye West' } },
      ],
    });

    expect(mapOne(entry).artist).toBe('Jay-Z & Kanye West');
  });

  it('answers "Unknown Artist" when the entry has no credit', () => {
    expect(mapOne(searchEntry({ 'artist-credit': undefined })).artist).toBe('Unknown Artist');
  });
});

describe(mapRelease.name, () => {
  it('maps a lookup reply to our album and its credits', () => {
    expect(mapRelease(lookupReply())).toEqual({
      musicbrainzId: ANIMALS,
      title: 'Animals',
      artist: 'Pink Floyd',
      releaseDate: '1977-01-23',
      country: 'GB',
      status: 'Official',
      releaseGroupId: ANIMALS_GROUP,
      credits: [
        {
          musicbrainzId: PINK_FLOYD,
          name: 'Pink Floyd',
          creditedName: 'Pink Floyd',
          sortName: 'Pink Floyd',
          disambiguation: null,
          artistType: 'Group',
          country: 'GB',
          joinPhrase: null,
          order: 0,
        },
      ],
    });
  });

  it.each([
    ['id', { id: undefined }],
    ['id as a number', { id: 1 }],
    ['title', { title: undefined }],
    ['title as null', { title: null }],
  ])('rejects a reply with a missing or mistyped %s', (_case, overrides) => {
    expect(mapRelease(lookupReply(overrides))).toBeNull();
  });

  it('takes the id the reply carries, lowercased (a merged release answers its current id)', () => {
    expect(mapRelease(lookupReply({ id: JAY_Z.toUpperCase() }))?.musicbrainzId).toBe(JAY_Z);
  });

  it('reads the release group id, lowercased', () => {
    const album = mapRelease(lookupReply({ 'release-group': { id: ANIMALS_GROUP.toUpperCase() } }));

    expect(album?.releaseGroupId).toBe(ANIMALS_GROUP);
  });

  it('has no release group id when the release group is absent', () => {
    expect(mapRelease(lookupReply({ 'release-group': undefined }))?.releaseGroupId).toBeNull();
  });

  it('turns an empty or absent date, country and status into null', () => {
    expect(mapRelease(lookupReply({ date: '', country: null, status: '' }))).toMatchObject({
      releaseDate: null,
      country: null,
      status: null,
    });
    expect(
      mapRelease(lookupReply({ date: undefined, country: undefined, status: null })),
    ).toMatchObject({ releaseDate: null, country: null, status: null });
  });

  it('keeps a partial date at its own precision', () => {
    expect(mapRelease(lookupReply({ date: '1973' }))?.releaseDate).toBe('1973');
    expect(mapRelease(lookupReply({ date: '1973-03' }))?.releaseDate).toBe('1973-03');
  });

  it('credits each artist in order, with the credited and canonical names apart', () => {
    const album = mapRelease(
      lookupReply({
        'artist-credit': [
          {
            name: 'Jay-Z',
            joinphrase: ' & ',
            artist: {
              id: JAY_Z,
              name: 'JAY‐Z',
              'sort-name': 'JAY‐Z',
              disambiguation: 'US rapper',
              type: 'Person',
              country: 'US',
            },
          },
          {
            name: 'Kanye West',
            joinphrase: '',
            artist: {
              id: KANYE,
              name: 'Kanye West',
              'sort-name': 'West, Kanye',
              disambiguation: '',
              type: 'Person',
            },
          },
        ],
      }),
    );

    expect(album?.artist).toBe('Jay-Z & Kanye West');
    expect(album?.credits).toEqual([
      {
        musicbrainzId: JAY_Z,
        name: 'JAY‐Z',
        creditedName: 'Jay-Z',
        sortName: 'JAY‐Z',
        disambiguation: 'US rapper',
        artistType: 'Person',
        country: 'US',
        joinPhrase: ' & ',
        order: 0,
      },
      {
        musicbrainzId: KANYE,
        name: 'Kanye West',
        creditedName: 'Kanye West',
        sortName: 'West, Kanye',
        disambiguation: null,
        artistType: 'Person',
        country: null,
        joinPhrase: null,
        order: 1,
      },
    ]);
  });

  it('turns an absent joinphrase, disambiguation and type into null', () => {
    const album = mapRelease(
      lookupReply({
        'artist-credit': [{ name: 'Pink Floyd', artist: { id: PINK_FLOYD, name: 'Pink Floyd' } }],
      }),
    );

    expect(album?.credits).toEqual([
      expect.objectContaining({
        joinPhrase: null,
        disambiguation: null,
        artistType: null,
        country: null,
      }),
    ]);
  });

  it('skips a credit without artist.id, and later credits keep their own index', () => {
    const album = mapRelease(
      lookupReply({
        'artist-credit': [
          { name: 'Jay-Z', joinphrase: ' & ', artist: { id: JAY_Z, name: 'JAY‐Z' } },
          { name: 'Anonymous', joinphrase: ' & ', artist: { name: 'Anonymous' } },
          { name: 'Nobody', joinphrase: ' & ' },
          { name: 'Kanye West', artist: { id: KANYE, name: 'Kanye West' } },
        ],
      }),
    );

    expect(album?.credits.map((credit) => [credit.musicbrainzId, credit.order])).toEqual([
      [JAY_Z, 0],
      [KANYE, 3],
    ]);
    // The joined artist still names everyone credited.
    expect(album?.artist).toBe('Jay-Z & Anonymous & Nobody & Kanye West');
  });

  it('has no credits and an unknown artist when artist-credit is absent', () => {
    expect(mapRelease(lookupReply({ 'artist-credit': undefined }))).toMatchObject({
      artist: 'Unknown Artist',
      credits: [],
    });
  });
});

describe(mapReleaseGroupPage.name, () => {
  const GROUP = '0b3c6f2e-9a41-4e7d-8c15-2f6a7b8c9d02';
  /** A browse entry with inc=artist-credits, in MusicBrainz's shape. */
  function groupEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      id: ANIMALS_GROUP,
      title: 'Animals',
      'primary-type': 'Album',
      'primary-type-id': 'f529b476-6e62-324f-b0aa-1f3e33d313fc',
      'secondary-types': [],
      'secondary-type-ids': [],
      'first-release-date': '1977-01-23',
      disambiguation: '',
      'artist-credit': [
        {
          name: 'Pink Floyd',
          joinphrase: '',
          artist: { id: PINK_FLOYD, name: 'Pink Floyd', 'sort-name': 'Pink Floyd' },
        },
      ],
      ...overrides,
    };
  }
  const page = (entries: unknown[], count = entries.length) => ({
    'release-group-count': count,
    'release-group-offset': 0,
    'release-groups': entries,
  });

  it('maps each entry and passes the count through', () => {
    expect(mapReleaseGroupPage(page([groupEntry()], 230))).toEqual({
      count: 230,
      releaseGroups: [
        {
          releaseGroupId: ANIMALS_GROUP,
          title: 'Animals',
          primaryType: 'Album',
          secondaryTypes: [],
          firstReleaseDate: '1977-01-23',
          artist: 'Pink Floyd',
          artistIds: [PINK_FLOYD],
        },
      ],
    });
  });

  it('keeps secondary types, joins a multi-artist credit and lists every credited artist once', () => {
    const mapped = mapReleaseGroupPage(
      page([
        groupEntry({
          id: GROUP.toUpperCase(),
          'secondary-types': ['Compilation', 'Live', 3],
          'artist-credit': [
            { name: 'Jay-Z', joinphrase: ' & ', artist: { id: JAY_Z, name: 'JAY‐Z' } },
            { name: 'Kanye West', joinphrase: ' & ', artist: { id: KANYE, name: 'Kanye West' } },
            { name: 'Hova', artist: { id: JAY_Z.toUpperCase(), name: 'JAY‐Z' } },
          ],
        }),
      ]),
    );
    expect(mapped?.releaseGroups[0]).toMatchObject({
      releaseGroupId: GROUP,
      secondaryTypes: ['Compilation', 'Live'],
      artist: 'Jay-Z & Kanye West & Hova',
      artistIds: [JAY_Z, KANYE],
    });
  });

  it('turns an empty or invalid first release date, a null primary type and a missing credit into null / Unknown Artist', () => {
    const mapped = mapReleaseGroupPage(
      page([
        groupEntry({ 'first-release-date': '', 'primary-type': null, 'artist-credit': undefined }),
        groupEntry({ id: GROUP, 'first-release-date': '1977-13', 'secondary-types': null }),
        groupEntry({ id: JAY_Z, 'first-release-date': '1977' }),
      ]),
    );
    expect(
      mapped?.releaseGroups.map(
        ({ firstReleaseDate, primaryType, artist, artistIds, secondaryTypes }) => ({
          firstReleaseDate,
          primaryType,
          artist,
          artistIds,
          secondaryTypes,
        }),
      ),
    ).toEqual([
      {
        firstReleaseDate: null,
        primaryType: null,
        artist: 'Unknown Artist',
        artistIds: [],
        secondaryTypes: [],
      },
      {
        firstReleaseDate: null,
        primaryType: 'Album',
        artist: 'Pink Floyd',
        artistIds: [PINK_FLOYD],
        secondaryTypes: [],
      },
      {
        firstReleaseDate: '1977',
        primaryType: 'Album',
        artist: 'Pink Floyd',
        artistIds: [PINK_FLOYD],
        secondaryTypes: [],
      },
    ]);
  });

  it('drops entries without a string UUID id or a string title', () => {
    const mapped = mapReleaseGroupPage(
      page([
        groupEntry({ id: undefined }),
        groupEntry({ id: 7 }),
        groupEntry({ id: 'not-a-uuid' }),
        groupEntry({ title: undefined }),
        'junk',
        groupEntry({ id: GROUP, title: 'Kept' }),
      ]),
    );
    expect(mapped?.releaseGroups.map((group) => group.title)).toEqual(['Kept']);
  });

  it.each([
    ['count', { 'release-groups': [] }],
    ['count as a string', { 'release-group-count': '1', 'release-groups': [] }],
    ['release groups', { 'release-group-count': 0 }],
    ['release groups as an object', { 'release-group-count': 0, 'release-groups': {} }],
  ])('rejects a reply with a missing or mistyped %s', (_case, reply) => {
    expect(mapReleaseGroupPage(reply)).toBeNull();
  });
});
