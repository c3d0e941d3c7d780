/** MusicBrainz ws/2 payloads as sent (kebab-case; only the fields we read, all possibly absent). */

export interface MbArtist {
  id?: unknown;
  name?: unknown;
  'sort-name'?: unknown;
  disambiguation?: unknown;
  type?: unknown;
  country?: unknown;
}

export interface MbArtistCredit {
  name?: unknown;
  joinphrase?: unknown;
  artist?: unknown;
}

export interface MbRelease {
  id?: unknown;
  title?: unknown;
  'artist-credit'?: unknown;
  date?: unknown;
  country?: unknown;
  score?: unknown;
  status?: unknown;
  'release-group'?: unknown;
}

export interface MbSearchReply {
  count?: unknown;
  releases?: unknown;
}

/** `/release-group?artist=…` (a browse), one page. */
export interface MbReleaseGroupBrowse {
  'release-group-count'?: unknown;
  'release-group-offset'?: unknown;
  'release-groups'?: unknown;
}

export interface MbReleaseGroup {
  id?: unknown;
  title?: unknown;
  'primary-type'?: unknown;
  'secondary-types'?: unknown;
  'first-release-date'?: unknown;
  'artist-credit'?: unknown;
}
