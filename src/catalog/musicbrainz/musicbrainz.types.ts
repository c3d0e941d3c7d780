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
