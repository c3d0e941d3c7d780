import type { MovieSearchResult } from '../catalog.types.js';
import {
  mapCredits,
  mapMovieDetails,
  mapMovieWithCredits,
  mapRecommendations,
  mapSearchReply,
} from './tmdb.mapper.js';

/** A search entry in TMDB's shape, with the extra fields TMDB sends and we ignore. */
function searchEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    adult: false,
    backdrop_path: '/backdrop.jpg',
    genre_ids: [878, 28],
    id: 27205,
    original_language: 'en',
    original_title: 'Inception',
    overview: 'Cobb, a skilled thief…',
    popularity: 83.9,
    poster_path: '/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg',
    release_date: '2010-07-15',
    title: 'Inception',
    video: false,
    vote_average: 8.4,
    vote_count: 35000,
    ...overrides,
  };
}

function searchReply(results: unknown[], overrides: Record<string, unknown> = {}) {
  return { page: 1, total_pages: 1, total_results: results.length, results, ...overrides };
}

/** The one result a reply with one entry maps to. */
function mapOne(entry: Record<string, unknown>): MovieSearchResult {
  const page = mapSearchReply(searchReply([entry]));
  expect(page?.results).toHaveLength(1);
  return page!.results[0];
}

function detailsReply(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    adult: false,
    backdrop_path: '/s3TBrRGB1iav7gFOCNx3H31MoES.jpg',
    belongs_to_collection: null,
    budget: 160000000,
    genres: [
      { id: 28, name: 'Action' },
      { id: 878, name: 'Science Fiction' },
    ],
    homepage: '',
    id: 27205,
    imdb_id: 'tt1375666',
    original_title: 'Inception',
    overview: 'Cobb, a skilled thief…',
    poster_path: '/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg',
    release_date: '2010-07-15',
    revenue: 825532764,
    runtime: 148,
    status: 'Released',
    tagline: 'Your mind is the scene of the crime.',
    title: 'Inception',
    video: false,
    vote_average: 8.369,
    vote_count: 35000,
    ...overrides,
  };
}

function cast(id: number, name: string, overrides: Record<string, unknown> = {}) {
  return { adult: false, id, name, character: `${name}'s role`, profile_path: null, ...overrides };
}

function crew(id: number, name: string, job: string, overrides: Record<string, unknown> = {}) {
  return { id, name, job, department: 'Crew', profile_path: null, credit_id: 'x', ...overrides };
}

describe(mapSearchReply.name, () => {
  it('maps an entry to our search result', () => {
    expect(mapOne(searchEntry())).toEqual({
      tmdbId: 27205,
      title: 'Inception',
      originalTitle: 'Inception',
      releaseDate: '2010-07-15',
      posterPath: '/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg',
      overview: 'Cobb, a skilled thief…',
      voteAverage: 8.4,
    });
  });

  it('passes page and total_results through', () => {
    const page = mapSearchReply(searchReply([searchEntry()], { page: 3, total_results: 57 }));

    expect(page).toMatchObject({ page: 3, totalResults: 57 });
  });

  it('caps total_pages at 500', () => {
    expect(mapSearchReply(searchReply([], { total_pages: 1234 }))?.totalPages).toBe(500);
    expect(mapSearchReply(searchReply([], { total_pages: 500 }))?.totalPages).toBe(500);
    expect(mapSearchReply(searchReply([], { total_pages: 7 }))?.totalPages).toBe(7);
  });

  it('maps a reply without results to an empty page', () => {
    expect(mapSearchReply(searchReply([], { total_pages: 1, total_results: 0 }))).toEqual({
      page: 1,
      totalPages: 1,
      totalResults: 0,
      results: [],
    });
  });

  it.each([
    ['page', { page: undefined }],
    ['page as a string', { page: '1' }],
    ['total_pages', { total_pages: undefined }],
    ['total_pages as a fraction', { total_pages: 1.5 }],
    ['total_results', { total_results: null }],
    ['results', { results: undefined }],
    ['results as an object', { results: {} }],
  ])('rejects a reply with a missing or mistyped %s', (_field, overrides) => {
    expect(mapSearchReply(searchReply([searchEntry()], overrides))).toBeNull();
  });

  it('drops entries without an integer id or a string title', () => {
    const page = mapSearchReply(
      searchReply([
        searchEntry({ id: undefined }),
        searchEntry({ id: '27205' }),
        searchEntry({ id: 1.5 }),
        searchEntry({ title: undefined }),
        searchEntry({ title: 42 }),
        searchEntry({ title: null }),
        null,
        'not an object',
        searchEntry({ id: 11, title: 'Star Wars' }),
      ]),
    );

    expect(page?.results.map((result) => result.tmdbId)).toEqual([11]);
  });

  it('keeps the first of entries with the same id', () => {
    const page = mapSearchReply(
      searchReply([
        searchEntry({ id: 1, title: 'First' }),
        searchEntry({ id: 2, title: 'Other' }),
        searchEntry({ id: 1, title: 'Repeat' }),
      ]),
    );

    expect(page?.results.map((result) => [result.tmdbId, result.title])).toEqual([
      [1, 'First'],
      [2, 'Other'],
    ]);
  });

  it('turns empty strings into null', () => {
    expect(
      mapOne(searchEntry({ original_title: '', overview: '', poster_path: '', release_date: '' })),
    ).toMatchObject({ originalTitle: null, overview: null, posterPath: null, releaseDate: null });
  });

  it('turns missing or null optional fields into null', () => {
    expect(
      mapOne({ id: 5, title: 'Bare', poster_path: null, overview: null, release_date: null }),
    ).toEqual({
      tmdbId: 5,
      title: 'Bare',
      originalTitle: null,
      releaseDate: null,
      posterPath: null,
      overview: null,
      voteAverage: 0,
    });
  });

  it.each(['2010-07-15', '2024-02-29', '1999-12-31'])('keeps the valid date %s', (date) => {
    expect(mapOne(searchEntry({ release_date: date })).releaseDate).toBe(date);
  });

  it.each([
    '2010-13-01',
    '2010-02-30',
    '2023-02-29',
    '2010-00-10',
    '2010-04-31',
    '',
    '2010',
    '2010-07',
    '2010-7-15',
    '15/07/2010',
    '2010-07-15T00:00:00Z',
  ])('turns the invalid date %j into null', (date) => {
    expect(mapOne(searchEntry({ release_date: date })).releaseDate).toBeNull();
  });

  it('reads vote_average as a number, with 0 when null, missing or mistyped', () => {
    expect(mapOne(searchEntry({ vote_average: 0 })).voteAverage).toBe(0);
    expect(mapOne(searchEntry({ vote_average: 7 })).voteAverage).toBe(7);
    expect(mapOne(searchEntry({ vote_average: null })).voteAverage).toBe(0);
    expect(mapOne(searchEntry({ vote_average: undefined })).voteAverage).toBe(0);
    expect(mapOne(searchEntry({ vote_average: '8.1' })).voteAverage).toBe(0);
  });
});

describe(mapMovieDetails.name, () => {
  it('maps a details reply to our movie', () => {
    expect(mapMovieDetails(detailsReply())).toEqual({
      tmdbId: 27205,
      title: 'Inception',
      originalTitle: 'Inception',
      releaseDate: '2010-07-15',
      posterPath: '/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg',
      backdropPath: '/s3TBrRGB1iav7gFOCNx3H31MoES.jpg',
      overview: 'Cobb, a skilled thief…',
      runtime: 148,
      voteAverage: 8.369,
      voteCount: 35000,
      tagline: 'Your mind is the scene of the crime.',
      status: 'Released',
      imdbId: 'tt1375666',
      genres: [
        { id: 28, name: 'Action' },
        { id: 878, name: 'Science Fiction' },
      ],
    });
  });

  it.each([
    ['id', { id: undefined }],
    ['id as a string', { id: '27205' }],
    ['title', { title: undefined }],
    ['title as a number', { title: 1 }],
  ])('rejects a reply with a missing or mistyped %s', (_field, overrides) => {
    expect(mapMovieDetails(detailsReply(overrides))).toBeNull();
  });

  it.each([
    ['0', 0],
    ['null', null],
    ['missing', undefined],
    ['negative', -5],
    ['a fraction', 90.5],
    ['a string', '148'],
  ])('turns a runtime that is %s into null', (_case, runtime) => {
    expect(mapMovieDetails(detailsReply({ runtime }))?.runtime).toBeNull();
  });

  it('turns the empty values of an unreleased film into null or 0', () => {
    expect(
      mapMovieDetails(
        detailsReply({
          imdb_id: '',
          tagline: '',
          status: '',
          backdrop_path: '',
          poster_path: null,
          release_date: '',
          vote_average: 0,
          vote_count: undefined,
        }),
      ),
    ).toMatchObject({
      imdbId: null,
      tagline: null,
      status: null,
      backdropPath: null,
      posterPath: null,
      releaseDate: null,
      voteAverage: 0,
      voteCount: 0,
    });
  });

  it('turns a null imdb_id into null', () => {
    expect(mapMovieDetails(detailsReply({ imdb_id: null }))?.imdbId).toBeNull();
  });

  it('keeps genres in TMDB’s order and drops malformed entries', () => {
    const movie = mapMovieDetails(
      detailsReply({
        genres: [
          { id: 18, name: 'Drama' },
          { id: '28', name: 'Action' },
          { name: 'No id' },
          { id: 99 },
          { id: 12, name: null },
          null,
          'Comedy',
          { id: 35, name: 'Comedy' },
        ],
      }),
    );

    expect(movie?.genres).toEqual([
      { id: 18, name: 'Drama' },
      { id: 35, name: 'Comedy' },
    ]);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['not an array', { id: 18, name: 'Drama' }],
  ])('maps genres that are %s to an empty list', (_case, genres) => {
    expect(mapMovieDetails(detailsReply({ genres }))?.genres).toEqual([]);
  });
});

describe(mapCredits.name, () => {
  describe('cast', () => {
    it('maps every entry in TMDB’s list order, with its list index', () => {
      const credits = mapCredits({
        cast: [
          cast(3, 'Third billed', { order: 2, character: 'Ariadne', profile_path: '/c.jpg' }),
          cast(1, 'Top billed', { order: 0, character: 'Cobb' }),
          cast(2, 'Second billed', { order: 1, character: '' }),
        ],
        crew: [],
      });

      expect(credits.cast).toEqual([
        {
          tmdbId: 3,
          name: 'Third billed',
          profilePath: '/c.jpg',
          listIndex: 0,
          character: 'Ariadne',
          order: 2,
        },
        {
          tmdbId: 1,
          name: 'Top billed',
          profilePath: null,
          listIndex: 1,
          character: 'Cobb',
          order: 0,
        },
        {
          tmdbId: 2,
          name: 'Second billed',
          profilePath: null,
          listIndex: 2,
          character: null,
          order: 1,
        },
      ]);
    });

    it('uses the list index as the order when order is missing or not an integer', () => {
      const credits = mapCredits({
        cast: [
          cast(1, 'A', { order: 5 }),
          cast(2, 'B'),
          cast(3, 'C', { order: null }),
          cast(4, 'D', { order: '1' }),
        ],
        crew: [],
      });

      expect(credits.cast.map((person) => [person.tmdbId, person.order])).toEqual([
        [1, 5],
        [2, 1],
        [3, 2],
        [4, 3],
      ]);
    });

    it('drops entries without an integer id or a string name, keeping the others’ indexes', () => {
      const credits = mapCredits({
        cast: [
          cast(1, 'Kept'),
          { name: 'No id' },
          cast(2, 'String id', { id: '2' }),
          { id: 3, name: null },
          null,
          cast(4, 'Kept too'),
        ],
        crew: [],
      });

      expect(credits.cast.map((person) => [person.tmdbId, person.listIndex, person.order])).toEqual(
        [
          [1, 0, 0],
          [4, 5, 5],
        ],
      );
    });
  });

  describe('crew', () => {
    // Contract §8.3's list, written out again on purpose: the spec must not read the mapper's set.
    const KEY_JOBS = (
      'Director|Screenplay|Writer|Story|Novel|Producer|Original Music Composer|Composer|' +
      'Director of Photography|Cinematography'
    ).split('|');

    it('keeps the ten key jobs', () => {
      const credits = mapCredits({
        cast: [],
        crew: KEY_JOBS.map((job, i) => crew(100 + i, `Person ${i}`, job)),
      });

      expect(credits.crew.map((person) => person.job)).toEqual(KEY_JOBS);
    });

    it.each([
      'Editor',
      'Casting',
      'Gaffer',
      'Executive Producer',
      'director',
      'DIRECTOR',
      'Director ',
      'original music composer',
      '',
    ])('drops the job %j', (job) => {
      expect(mapCredits({ cast: [], crew: [crew(1, 'Someone', job)] }).crew).toEqual([]);
    });

    it('drops entries without a job', () => {
      expect(
        mapCredits({ cast: [], crew: [{ id: 1, name: 'No job', department: 'Directing' }] }).crew,
      ).toEqual([]);
    });

    it('maps a key crew member with department and profile', () => {
      const credits = mapCredits({
        cast: [],
        crew: [
          crew(525, 'Christopher Nolan', 'Director', {
            department: 'Directing',
            profile_path: '/nolan.jpg',
          }),
        ],
      });

      expect(credits.crew).toEqual([
        {
          tmdbId: 525,
          name: 'Christopher Nolan',
          profilePath: '/nolan.jpg',
          listIndex: 0,
          department: 'Directing',
          job: 'Director',
        },
      ]);
    });

    it('turns an empty department into null', () => {
      const credits = mapCredits({ cast: [], crew: [crew(1, 'A', 'Writer', { department: '' })] });

      expect(credits.crew[0].department).toBeNull();
    });

    it('keeps TMDB’s list order', () => {
      const credits = mapCredits({
        cast: [],
        crew: [
          crew(3, 'Composer', 'Original Music Composer'),
          crew(9, 'Editor', 'Editor'),
          crew(1, 'Director', 'Director'),
          crew(2, 'Producer', 'Producer'),
        ],
      });

      expect(credits.crew.map((person) => person.tmdbId)).toEqual([3, 1, 2]);
    });

    it('stores an exact repeat of a person and job once', () => {
      const credits = mapCredits({
        cast: [],
        crew: [
          crew(1, 'Nolan', 'Director'),
          crew(2, 'Thomas', 'Producer'),
          crew(1, 'Nolan', 'Director'),
        ],
      });

      expect(credits.crew.map((person) => [person.tmdbId, person.job])).toEqual([
        [1, 'Director'],
        [2, 'Producer'],
      ]);
    });

    it('keeps the same person with two jobs as two entries', () => {
      const credits = mapCredits({
        cast: [],
        crew: [crew(1, 'Nolan', 'Director'), crew(1, 'Nolan', 'Screenplay')],
      });

      expect(credits.crew.map((person) => [person.tmdbId, person.job])).toEqual([
        [1, 'Director'],
        [1, 'Screenplay'],
      ]);
    });

    it('keeps the same job held by two people', () => {
      const credits = mapCredits({
        cast: [],
        crew: [crew(1, 'Emma', 'Producer'), crew(2, 'Chris', 'Producer')],
      });

      expect(credits.crew.map((person) => person.tmdbId)).toEqual([1, 2]);
    });

    it('drops key crew without an integer id or a string name', () => {
      const credits = mapCredits({
        cast: [],
        crew: [
          { name: 'No id', job: 'Director' },
          { id: 2, job: 'Director' },
          crew(3, 'Kept', 'Director'),
        ],
      });

      expect(credits.crew.map((person) => [person.tmdbId, person.listIndex])).toEqual([[3, 2]]);
    });
  });

  it.each([
    ['missing', {}],
    ['null', { cast: null, crew: null }],
    ['not arrays', { cast: {}, crew: 'none' }],
  ])('treats cast and crew that are %s as empty', (_case, reply) => {
    expect(mapCredits(reply)).toEqual({ cast: [], crew: [] });
  });
});

describe(mapMovieWithCredits.name, () => {
  it('maps the details and the appended credits of one reply', () => {
    const reply = detailsReply({
      credits: { cast: [cast(1, 'Leo', { order: 0 })], crew: [crew(2, 'Chris', 'Director')] },
    });

    expect(mapMovieWithCredits(reply)).toEqual({
      movie: mapMovieDetails(detailsReply()),
      credits: mapCredits({
        cast: [cast(1, 'Leo', { order: 0 })],
        crew: [crew(2, 'Chris', 'Director')],
      }),
    });
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['not an object', [{ id: 1 }]],
  ])(
    'gives null credits when the credits member is %s (they are fetched later)',
    (_case, credits) => {
      expect(mapMovieWithCredits(detailsReply({ credits }))).toEqual({
        movie: mapMovieDetails(detailsReply()),
        credits: null,
      });
    },
  );

  it('is null when the details are invalid, whatever the credits', () => {
    expect(
      mapMovieWithCredits(detailsReply({ id: '27205', credits: { cast: [], crew: [] } })),
    ).toBe(null);
  });
});

describe(mapRecommendations.name, () => {
  /** A recommendations entry: a search entry plus `media_type`, as TMDB sends it. */
  const entry = (overrides: Record<string, unknown> = {}) =>
    searchEntry({ media_type: 'movie', ...overrides });
  const reply = (results: unknown, overrides: Record<string, unknown> = {}) => ({
    page: 1,
    results,
    total_pages: 2,
    total_results: 40,
    ...overrides,
  });

  it('keeps the fields we store of each entry, in TMDB order', () => {
    expect(
      mapRecommendations(
        reply([entry(), entry({ id: 1946, title: 'eXistenZ', poster_path: null })]),
      ),
    ).toEqual([
      {
        tmdbId: 27205,
        title: 'Inception',
        releaseDate: '2010-07-15',
        posterPath: '/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg',
        voteAverage: 8.4,
      },
      {
        tmdbId: 1946,
        title: 'eXistenZ',
        releaseDate: '2010-07-15',
        posterPath: null,
        voteAverage: 8.4,
      },
    ]);
  });

  it('reads entries like search entries: empty values become null or 0', () => {
    expect(
      mapRecommendations(reply([entry({ release_date: '', poster_path: '', vote_average: null })])),
    ).toEqual([
      { tmdbId: 27205, title: 'Inception', releaseDate: null, posterPath: null, voteAverage: 0 },
    ]);
  });

  it('drops entries without an integer id or a string title, and keeps the first of a repeat', () => {
    const mapped = mapRecommendations(
      reply([
        entry({ id: '5' }),
        entry({ id: 1.5 }),
        entry({ title: null }),
        null,
        entry({ title: 'First' }),
        entry({ title: 'Repeat' }),
      ]),
    );
    expect(mapped?.map((movie) => movie.title)).toEqual(['First']);
  });

  it('maps an empty list to an empty list', () => {
    expect(mapRecommendations(reply([], { total_pages: 0, total_results: 0 }))).toEqual([]);
  });

  it.each([
    ['missing', {}],
    ['an object', { results: {} }],
    ['null', { results: null }],
  ])('rejects a reply whose results are %s', (_case, body) => {
    expect(mapRecommendations(body)).toBeNull();
  });
});
