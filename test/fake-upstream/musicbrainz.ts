// Fake MusicBrainz ws/2 under /mb/ws/2 (upstream.md §3 and §7 "MusicBrainz").
//
// Order of checks, as the real service behaves from the outside:
//   1. the rate limit, on EVERY request whatever its outcome (each arrival also moves the clock,
//      so a client that keeps hammering stays blocked, like the real one);
//   2. the User-Agent (missing or generic → 403);
//   3. routing and validation, then fixture faults, then the answer.
// Answers are JSON with fmt=json (or, without fmt, with Accept: application/json), else XML.
//
// Search is a small Lucene imitation: field prefixes (artist:, release:…) are ignored, quoted
// phrases and bare terms become words, every word must appear in the release's title, credited
// names, artist names or release-group title (accent/case-insensitive), and words after NOT, -
// or ! must not. Results keep catalog order with scores 100, 98, 96, … (never below 1).
import {
  MB_ARTIST_RELEASE_GROUPS,
  MB_FAULTS,
  MB_MERGED,
  MB_RELEASES,
  type MbArtistCredit,
  type MbRelease,
  type MbReleaseFixture,
} from './fixtures/musicbrainz.js';
import {
  escapeXml,
  faultReply,
  foldText,
  jsonReply,
  retryAfterHeader,
  textReply,
  UUID_PATTERN,
  type FakeReply,
  type FaultBodies,
  type IncomingCall,
  type Upstream,
  type UpstreamContext,
} from './reply.js';

/** Arrivals up to this much early still pass: timers and clocks jitter a little. */
export const MB_RATE_TOLERANCE_MS = 50;

export const MB_RATE_LIMIT_MESSAGE =
  'Your requests are exceeding the allowable rate limit. Please see https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting for more information.';

const HELP = 'For usage, please see: https://musicbrainz.org/development/mmd';
const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>';
const XML_NS = 'http://musicbrainz.org/ns/mmd-2.0#';

/** Library defaults MusicBrainz blocks: the app must identify itself (`Name/version ( contact )`). */
const GENERIC_USER_AGENT = /^(node|undici|node-fetch|axios|python-httpx|python-requests)(\/|\s|$)/i;

/** inc values a release lookup accepts; anything else is a 400, as on the real service. */
const RELEASE_INCS = new Set([
  'artists',
  'artist-credits',
  'labels',
  'recordings',
  'release-groups',
  'media',
  'discids',
  'isrcs',
  'aliases',
  'annotation',
  'tags',
  'genres',
  'ratings',
  'url-rels',
  'artist-rels',
  'release-rels',
  'release-group-rels',
]);

const RELEASES_BY_ID: ReadonlyMap<string, MbReleaseFixture> = new Map(
  MB_RELEASES.map((fixture) => [fixture.release.id, fixture]),
);

type Format = 'json' | 'xml';

function mbError(
  status: number,
  format: Format,
  body: { error: string; help?: string },
  headers: Record<string, string> = {},
): FakeReply {
  if (format === 'json') return jsonReply(status, body, headers);
  const texts = [body.error, body.help].filter((text): text is string => Boolean(text));
  const xml = `${XML_HEADER}\n<error>${texts.map((text) => `<text>${escapeXml(text)}</text>`).join('')}</error>`;
  return textReply(status, xml, 'application/xml; charset=utf-8', headers);
}

function faultBodies(format: Format): FaultBodies {
  return {
    status500: () => mbError(500, format, { error: 'Internal server error', help: HELP }),
    status503: (retryAfter) =>
      mbError(
        503,
        format,
        { error: 'The MusicBrainz web server is temporarily unavailable.', help: HELP },
        retryAfterHeader(retryAfter),
      ),
    status429: (retryAfter) =>
      mbError(429, format, { error: MB_RATE_LIMIT_MESSAGE }, retryAfterHeader(retryAfter)),
    xml: () =>
      textReply(
        200,
        `${XML_HEADER}\n<metadata xmlns="${XML_NS}"/>`,
        'application/xml; charset=utf-8',
      ),
  };
}

export class MusicBrainzFake implements Upstream {
  readonly name = 'musicbrainz' as const;
  readonly prefix = '/mb/ws/2';
  /** performance.now() of the previous MusicBrainz request. */
  private lastArrival = Number.NEGATIVE_INFINITY;

  reset(): void {
    this.lastArrival = Number.NEGATIVE_INFINITY;
  }

  handle(call: IncomingCall, ctx: UpstreamContext): FakeReply {
    const format = this.format(call);
    const gap = call.arrivedAt - this.lastArrival;
    this.lastArrival = call.arrivedAt;
    const { enforceMusicBrainzRate, musicbrainzMinGapMs } = ctx.settings;
    if (enforceMusicBrainzRate && gap < musicbrainzMinGapMs - MB_RATE_TOLERANCE_MS) {
      return mbError(503, format, { error: MB_RATE_LIMIT_MESSAGE }, { 'retry-after': '1' });
    }
    const userAgent = call.headers['user-agent']?.trim();
    if (!userAgent || GENERIC_USER_AGENT.test(userAgent)) {
      return mbError(403, format, {
        error:
          'Your requests are being blocked: please use a meaningful User-Agent that identifies your application.',
        help: 'See https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting#Provide_meaningful_User-Agent_strings',
      });
    }
    if (call.method !== 'GET' && call.method !== 'HEAD') {
      return mbError(405, format, { error: 'Method not allowed', help: HELP });
    }
    if (call.path === '/release') return this.search(call, ctx, format);
    if (call.path === '/release-group') return this.browseReleaseGroups(call, ctx, format);
    const lookup = /^\/release\/([^/]+)$/.exec(call.path);
    if (lookup) return this.lookup(lookup[1], call, ctx, format);
    return mbError(404, format, { error: 'Not Found' });
  }

  private format(call: IncomingCall): Format {
    const fmt = call.query.fmt;
    if (fmt === 'json') return 'json';
    if (fmt === undefined && (call.headers.accept ?? '').includes('application/json')) {
      return 'json';
    }
    return 'xml';
  }

  private lookup(
    rawId: string,
    call: IncomingCall,
    ctx: UpstreamContext,
    format: Format,
  ): FakeReply {
    if (!UUID_PATTERN.test(rawId)) return mbError(400, format, { error: 'Invalid mbid.' });
    const id = rawId.toLowerCase();
    // A decoded "+" is a space, so both `a+b` and `a%2Bb` arrive here as something to split.
    const incs = (call.query.inc ?? '').split(/[+ ]/).filter(Boolean);
    const badInc = incs.find((inc) => !RELEASE_INCS.has(inc));
    if (badInc) {
      return mbError(400, format, {
        error: `${badInc} is not a valid inc parameter for the release resource.`,
        help: HELP,
      });
    }
    // A merged id answers with the release it was merged into (and that release's id).
    const fixture = RELEASES_BY_ID.get(MB_MERGED.get(id) ?? id);
    if (!fixture) return mbError(404, format, { error: 'Not Found' });
    const withCredits = incs.includes('artist-credits') || incs.includes('artists');
    const withGroup = incs.includes('release-groups');
    const ok = () =>
      format === 'json'
        ? jsonReply(200, lookupBody(fixture.release, withCredits, withGroup))
        : xmlReply(
            `<metadata xmlns="${XML_NS}">${releaseXml(fixture.release, withCredits, withGroup)}</metadata>`,
          );
    const fault = ctx.faultFor(id, 'lookup', MB_FAULTS);
    return fault ? faultReply(fault, ok, faultBodies(format), ctx.settings) : ok();
  }

  /**
   * `/release-group?artist=<mbid>[&type=album|ep…]&limit&offset[&inc=artist-credits]`: an artist's
   * release groups in fixture order, filtered by primary or secondary type as MusicBrainz does,
   * 25 per page by default and at most 100. JSON only (the XML form is not faked).
   */
  private browseReleaseGroups(call: IncomingCall, ctx: UpstreamContext, format: Format): FakeReply {
    const artist = call.query.artist;
    if (artist === undefined) {
      return mbError(400, format, { error: 'Invalid browse: missing a linked entity', help: HELP });
    }
    if (!UUID_PATTERN.test(artist)) return mbError(400, format, { error: 'Invalid mbid.' });
    const id = artist.toLowerCase();
    const groups = MB_ARTIST_RELEASE_GROUPS.get(id);
    if (!groups) return mbError(404, format, { error: 'Not Found' });
    const types = (call.query.type ?? '').toLowerCase().split('|').filter(Boolean);
    const withCredits = (call.query.inc ?? '').split(/[+ ]/).includes('artist-credits');
    const limit = clamp(parseInteger(call.query.limit, 25), 1, 100);
    const offset = Math.max(0, parseInteger(call.query.offset, 0));
    const ok = () => {
      const matching = groups.filter(
        (group) =>
          types.length === 0 ||
          [group['primary-type'] ?? '', ...group['secondary-types']].some((type) =>
            types.includes(type.toLowerCase()),
          ),
      );
      return jsonReply(200, {
        'release-group-offset': offset,
        'release-group-count': matching.length,
        'release-groups': matching
          .slice(offset, offset + limit)
          .map(({ 'artist-credit': credit, ...group }) =>
            withCredits ? { ...group, 'artist-credit': credit } : group,
          ),
      });
    };
    const fault = ctx.faultFor(id, 'browse', MB_FAULTS);
    return fault ? faultReply(fault, ok, faultBodies(format), ctx.settings) : ok();
  }

  private search(call: IncomingCall, ctx: UpstreamContext, format: Format): FakeReply {
    const query = (call.query.query ?? '').trim();
    if (!query) {
      return mbError(400, format, {
        error: 'Must specify a query argument for this search',
        help: HELP,
      });
    }
    const parsed = parseLucene(query);
    if (!parsed) {
      return mbError(400, format, { error: `Cannot parse query: ${query}`, help: HELP });
    }
    const limit = clamp(parseInteger(call.query.limit, 25), 1, 100);
    const offset = Math.max(0, parseInteger(call.query.offset, 0));
    const ok = () => {
      const hits = searchHits(parsed);
      const page = hits.slice(offset, offset + limit);
      const created = new Date().toISOString();
      if (format === 'json') {
        return jsonReply(200, {
          created,
          count: hits.length,
          offset,
          releases: page.map(({ release, score }) => searchEntry(release, score)),
        });
      }
      const items = page
        .map(({ release, score }) => releaseXml(release, true, true, score))
        .join('');
      return xmlReply(
        `<metadata created="${created}" xmlns="${XML_NS}" xmlns:ns2="http://musicbrainz.org/ns/ext#-2.0"><release-list count="${hits.length}" offset="${offset}">${items}</release-list></metadata>`,
      );
    };
    const fault = ctx.faultFor(query, 'search', MB_FAULTS);
    return fault ? faultReply(fault, ok, faultBodies(format), ctx.settings) : ok();
  }
}

// ---------------------------------------------------------------------------------------------
// Search.

interface ParsedQuery {
  include: string[];
  exclude: string[];
}

const OPERATORS = new Set(['AND', 'OR', 'NOT', '&&', '||']);

/** Null when Lucene would refuse the query (what MusicBrainz turns into a 400). */
function parseLucene(query: string): ParsedQuery | null {
  if ((query.match(/"/g) ?? []).length % 2 === 1) return null;
  let depth = 0;
  for (const char of query.replace(/"[^"]*"/g, '')) {
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) return null;
  }
  if (depth !== 0) return null;
  if (/(^|\s)[\p{L}\p{N}_-]+:\s*$/u.test(query)) return null; // "artist:" with nothing after

  const items = [
    ...query.matchAll(/([+\-!]?)(?:[\p{L}\p{N}_-]+:)?(?:"([^"]*)"|([^\s()"]+))/gu),
  ].map((match) => ({ prefix: match[1], phrase: match[2], term: match[3] }));
  const isOperator = (item: (typeof items)[number] | undefined) =>
    item !== undefined && item.phrase === undefined && !item.prefix && OPERATORS.has(item.term);
  if (items.length === 0) return null;
  if (isOperator(items[0]) && items[0].term !== 'NOT') return null;
  if (isOperator(items[items.length - 1])) return null;

  const include: string[] = [];
  const exclude: string[] = [];
  items.forEach((item, i) => {
    if (isOperator(item)) return;
    const negated = item.prefix === '-' || item.prefix === '!' || items[i - 1]?.term === 'NOT';
    (negated ? exclude : include).push(...words(item.phrase ?? item.term ?? ''));
  });
  return { include, exclude };
}

function words(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function searchableWords(release: MbRelease): Set<string> {
  const texts = [release.title ?? '', release['release-group'].title];
  for (const credit of release['artist-credit']) {
    texts.push(credit.name, credit.artist.name, credit.artist['sort-name']);
  }
  return new Set(texts.flatMap(words));
}

function searchHits(query: ParsedQuery): { release: MbRelease; score: number }[] {
  if (query.include.length === 0) return [];
  const matching = MB_RELEASES.filter((fixture) => {
    if (!fixture.searchable) return false;
    const available = searchableWords(fixture.release);
    return (
      query.include.every((word) => available.has(word)) &&
      !query.exclude.some((word) => available.has(word))
    );
  });
  // The dedup quirk: some releases come back twice in a row.
  const rows = matching.flatMap((fixture) =>
    fixture.duplicateInSearch ? [fixture.release, fixture.release] : [fixture.release],
  );
  return rows.map((release, i) => ({ release, score: Math.max(1, 100 - 2 * i) }));
}

/** The search-entry shape: unknown date/country/barcode and empty joinphrase are OMITTED. */
function searchEntry(release: MbRelease, score: number) {
  const group = release['release-group'];
  return {
    id: release.id,
    score,
    ...(release.status ? { 'status-id': release['status-id'], status: release.status } : {}),
    count: 1,
    ...(release.title === undefined ? {} : { title: release.title }),
    'text-representation': release['text-representation'],
    'artist-credit': release['artist-credit'].map(searchCredit),
    'release-group': {
      id: group.id,
      'type-id': group['primary-type-id'],
      'primary-type-id': group['primary-type-id'],
      title: group.title,
      'primary-type': group['primary-type'],
    },
    ...(release.date ? { date: release.date } : {}),
    ...(release.country ? { country: release.country } : {}),
    ...(release['release-events'].length ? { 'release-events': release['release-events'] } : {}),
    ...(release.barcode ? { barcode: release.barcode } : {}),
    'track-count': 10,
    media: [{ format: 'CD', 'disc-count': 1, 'track-count': 10 }],
  };
}

/** Search credits: no empty joinphrase; the artist has no type/country/empty disambiguation. */
function searchCredit(credit: MbArtistCredit) {
  const { artist } = credit;
  return {
    name: credit.name,
    ...(credit.joinphrase ? { joinphrase: credit.joinphrase } : {}),
    artist: {
      ...(artist.id ? { id: artist.id } : {}),
      name: artist.name,
      'sort-name': artist['sort-name'],
      ...(artist.disambiguation ? { disambiguation: artist.disambiguation } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Lookup.

/** The fixture is the full lookup shape; `inc` decides whether the two big parts are included. */
function lookupBody(release: MbRelease, withCredits: boolean, withGroup: boolean) {
  const { 'artist-credit': credits, 'release-group': group, ...rest } = release;
  return {
    ...rest,
    ...(withCredits ? { 'artist-credit': credits } : {}),
    ...(withGroup ? { 'release-group': group } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// XML (what a client gets when it forgets fmt=json). Not complete, but recognisably MusicBrainz.

function xmlReply(metadata: string): FakeReply {
  return textReply(200, `${XML_HEADER}\n${metadata}`, 'application/xml; charset=utf-8');
}

function element(name: string, value: string | null | undefined, attributes = ''): string {
  return value ? `<${name}${attributes}>${escapeXml(value)}</${name}>` : '';
}

function releaseXml(
  release: MbRelease,
  withCredits: boolean,
  withGroup: boolean,
  score?: number,
): string {
  const scoreAttribute = score === undefined ? '' : ` ns2:score="${score}"`;
  const credits = withCredits
    ? `<artist-credit>${release['artist-credit']
        .map(
          ({ name, joinphrase, artist }) =>
            `<name-credit${joinphrase ? ` joinphrase="${escapeXml(joinphrase)}"` : ''}>` +
            element('name', name) +
            `<artist${artist.id ? ` id="${artist.id}"` : ''}${artist.type ? ` type="${artist.type}"` : ''}>` +
            element('name', artist.name) +
            element('sort-name', artist['sort-name']) +
            element('disambiguation', artist.disambiguation) +
            element('country', artist.country) +
            '</artist></name-credit>',
        )
        .join('')}</artist-credit>`
    : '';
  const group = release['release-group'];
  const groupXml = withGroup
    ? `<release-group id="${group.id}"${group['primary-type'] ? ` type="${group['primary-type']}"` : ''}>` +
      element('title', group.title) +
      element('primary-type', group['primary-type']) +
      '</release-group>'
    : '';
  return (
    `<release id="${release.id}"${scoreAttribute}>` +
    element('title', release.title) +
    element('status', release.status) +
    element('date', release.date) +
    element('country', release.country) +
    element('barcode', release.barcode) +
    credits +
    groupXml +
    '</release>'
  );
}

function parseInteger(value: string | undefined, fallback: number): number {
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : fallback;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
