import type {
  AlbumData,
  AlbumSearchResult,
  ArtistCreditData,
  ReleaseGroupData,
} from '../catalog.types.js';
import {
  arrayOf,
  isInteger,
  isObject,
  optionalString,
  type JsonObject,
} from '../upstream/json-reader.js';
import type {
  MbArtist,
  MbArtistCredit,
  MbRelease,
  MbReleaseGroup,
  MbReleaseGroupBrowse,
  MbSearchReply,
} from './musicbrainz.types.js';

export const UNKNOWN_ARTIST = 'Unknown Artist';
const MAX_COUNTRY = 8;
const MAX_STATUS = 64;
const MAX_ARTIST_TYPE = 64;
const MAX_GROUP_TYPE = 64;
const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function mapSearchReply(
  reply: JsonObject,
): { count: number; results: AlbumSearchResult[] } | null {
  const { count, releases } = reply as MbSearchReply;
  if (!isInteger(count) || !Array.isArray(releases)) return null;
  const seen = new Set<string>();
  const results: AlbumSearchResult[] = [];
  for (const entry of releases) {
    if (!isObject(entry)) continue;
    const release = entry as MbRelease;
    if (typeof release.id !== 'string' || typeof release.title !== 'string') continue;
    const musicbrainzId = release.id.toLowerCase();
    if (seen.has(musicbrainzId)) continue;
    seen.add(musicbrainzId);
    const score = release.score;
    results.push({
      musicbrainzId,
      title: release.title,
      artist: joinArtistCredit(release['artist-credit']),
      releaseDate: partialDate(release.date),
      country: optionalString(release.country, MAX_COUNTRY),
      score: isInteger(score) && score >= 0 && score <= 100 ? score : 0,
    });
  }
  return { count, results };
}

export function mapRelease(reply: JsonObject): AlbumData | null {
  const release = reply as MbRelease;
  if (typeof release.id !== 'string' || typeof release.title !== 'string') return null;
  const group = release['release-group'];
  const groupId = isObject(group) && typeof group.id === 'string' ? group.id.toLowerCase() : null;
  return {
    musicbrainzId: release.id.toLowerCase(),
    title: release.title,
    artist: joinArtistCredit(release['artist-credit']),
    releaseDate: partialDate(release.date),
    country: optionalString(release.country, MAX_COUNTRY),
    status: optionalString(release.status, MAX_STATUS),
    releaseGroupId: groupId !== null && MBID.test(groupId) ? groupId : null,
    credits: mapCredits(release['artist-credit']),
  };
}

/** One page of an artist's release groups (upstream.md §3.8). */
export interface ReleaseGroupPage {
  /** How many release groups the artist has in all. */
  count: number;
  releaseGroups: ReleaseGroupData[];
}

/**
 * A browse page. Required: `release-group-count` (integer) and `release-groups` (array); an entry
 * without a string id (a UUID) or a string title is dropped. Returns null for an invalid reply.
 */
export function mapReleaseGroupPage(reply: JsonObject): ReleaseGroupPage | null {
  const { 'release-group-count': count, 'release-groups': entries } = reply as MbReleaseGroupBrowse;
  if (!isInteger(count) || !Array.isArray(entries)) return null;
  const releaseGroups: ReleaseGroupData[] = [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const group = entry as MbReleaseGroup;
    if (typeof group.id !== 'string' || typeof group.title !== 'string') continue;
    const releaseGroupId = group.id.toLowerCase();
    if (!MBID.test(releaseGroupId)) continue;
    releaseGroups.push({
      releaseGroupId,
      title: group.title,
      primaryType: optionalString(group['primary-type'], MAX_GROUP_TYPE),
      secondaryTypes: arrayOf(group['secondary-types']).filter(
        (type): type is string => typeof type === 'string',
      ),
      firstReleaseDate: partialDate(group['first-release-date']),
      artist: joinArtistCredit(group['artist-credit']),
      artistIds: [...new Set(mapCredits(group['artist-credit']).map((c) => c.musicbrainzId))],
    });
  }
  return { count, releaseGroups };
}

/** Each credited name followed by its join phrase, trimmed (upstream.md §3.4). */
export function joinArtistCredit(credit: unknown): string {
  const joined = arrayOf(credit)
    .map((entry) => {
      if (!isObject(entry)) return '';
      const { name, joinphrase } = entry as MbArtistCredit;
      return `${typeof name === 'string' ? name : ''}${typeof joinphrase === 'string' ? joinphrase : ''}`;
    })
    .join('')
    .trim();
  return joined === '' ? UNKNOWN_ARTIST : joined;
}

function mapCredits(credit: unknown): ArtistCreditData[] {
  const credits: ArtistCreditData[] = [];
  arrayOf(credit).forEach((entry, order) => {
    if (!isObject(entry)) return;
    const { name, joinphrase, artist } = entry as MbArtistCredit;
    if (!isObject(artist)) return;
    const { id, name: canonicalName, ...details } = artist as MbArtist;
    if (typeof id !== 'string' || !MBID.test(id.toLowerCase())) return;
    const creditedName = typeof name === 'string' ? name : null;
    const artistName = typeof canonicalName === 'string' ? canonicalName : creditedName;
    if (artistName === null) return;
    credits.push({
      musicbrainzId: id.toLowerCase(),
      name: artistName,
      creditedName: creditedName ?? artistName,
      sortName: optionalString(details['sort-name']),
      disambiguation: optionalString(details.disambiguation),
      artistType: optionalString(details.type, MAX_ARTIST_TYPE),
      country: optionalString(details.country, MAX_COUNTRY),
      joinPhrase: optionalString(joinphrase),
      order,
    });
  });
  return credits;
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` kept at its own precision when it exists; else null. */
export function partialDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!match) return null;
  const [, year, month, day] = match;
  if (month === undefined) return value;
  if (Number(month) < 1 || Number(month) > 12) return null;
  if (day === undefined) return value;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  return Number(day) >= 1 && Number(day) <= daysInMonth ? value : null;
}
