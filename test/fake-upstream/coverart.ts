// Fake Cover Art Archive under /caa (upstream.md §4 and §7 "Cover Art Archive"). Its requests
// never touch the MusicBrainz rate clock: that lives in MusicBrainzFake only.
import {
  archiveImageUrl,
  COVER_ART_RELEASE_GROUPS,
  COVER_ART_RELEASES,
  TINY_JPEG,
} from './fixtures/coverart.js';
import {
  faultReply,
  retryAfterHeader,
  textReply,
  UUID_PATTERN,
  type FakeReply,
  type FaultBodies,
  type IncomingCall,
  type Upstream,
  type UpstreamContext,
} from './reply.js';

const NO_FIXTURE_FAULTS = new Map();

const FAULT_BODIES: FaultBodies = {
  status500: () => textReply(500, 'Internal Server Error'),
  status503: (retryAfter) =>
    textReply(503, 'Service Temporarily Unavailable', undefined, retryAfterHeader(retryAfter)),
  status429: (retryAfter) =>
    textReply(429, 'Too Many Requests', undefined, retryAfterHeader(retryAfter)),
  xml: () => textReply(200, '<?xml version="1.0"?><error/>', 'application/xml'),
};

export class CoverArtFake implements Upstream {
  readonly name = 'coverart' as const;
  readonly prefix = '/caa';

  reset(): void {
    // Stateless.
  }

  handle(call: IncomingCall, ctx: UpstreamContext): FakeReply {
    if (call.method !== 'GET' && call.method !== 'HEAD') {
      return textReply(405, 'Method Not Allowed', undefined, { allow: 'GET, HEAD' });
    }
    // /release/{id}/front and /release-group/{id}/front, plus the sized variants (front-250 …).
    const match = /^\/(release|release-group)\/([^/]+)\/front(?:-(?:250|500|1200))?$/.exec(
      call.path,
    );
    if (!match) return textReply(404, 'Not Found');
    const kind = match[1] as 'release' | 'release-group';
    const id = match[2].toLowerCase();
    if (!UUID_PATTERN.test(id)) {
      return textReply(400, `${match[2]} is not a valid MBID`);
    }
    const ok = () => this.front(kind, id);
    const fault = ctx.faultFor(id, kind, NO_FIXTURE_FAULTS);
    return fault ? faultReply(fault, ok, FAULT_BODIES, ctx.settings) : ok();
  }

  private front(kind: 'release' | 'release-group', id: string): FakeReply {
    const art = (kind === 'release' ? COVER_ART_RELEASES : COVER_ART_RELEASE_GROUPS).get(id);
    if (art === 'redirect') {
      const location = archiveImageUrl(kind, id);
      return textReply(307, `See: ${location}\n`, undefined, { location });
    }
    if (art === 'direct') return textReply(200, TINY_JPEG, 'image/jpeg');
    return textReply(404, `No cover art found for ${kind} ${id}`);
  }
}
