import request from 'supertest';
import { Invite } from '../src/invites/entities/invite.entity.js';
import { User } from '../src/users/entities/user.entity.js';
import { InvitesService } from '../src/invites/invites.service.js';
import { authHeader, lastingToken, outcome } from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { runCommand } from './support/run-command.js';
import { createSharedDatabase, createTestApp, type TestApp } from './support/test-app.js';

const CLOSED = { status: 403, body: { detail: 'Registration is closed' } };
const CODE_REQUIRED = { status: 403, body: { detail: 'An invite code is required' } };
const INVALID_CODE = {
  status: 403,
  body: { detail: 'This invite code is invalid, used or expired' },
};
const NOT_INVITED = { status: 403, body: { detail: 'This email address is not invited' } };
const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

/** A signed-in member, as these tests need one. */
interface Member {
  id: number;
  accessToken: string;
}

let counter = 0;
function newcomer(email?: string, invite_code?: string) {
  counter += 1;
  const username = `newcomer${counter}`;
  return {
    username,
    email: email ?? `${username}@example.org`,
    password: 'long enough password',
    ...(invite_code === undefined ? {} : { invite_code }),
  };
}

/** Registration modes, the e-mail allow-list and invites (issue #13). */
describe('Who may register', () => {
  const clock = new FakeClock('2026-03-04T05:06:07.089Z');
  let t: TestApp;

  const register = (body: object) =>
    request(t.server).post('/api/auth/register').send(body).then(outcome);
  const users = () => t.dataSource.getRepository(User).count();
  async function start(env: Record<string, string>): Promise<void> {
    await t?.close();
    t = await createTestApp({ clock, env, listen: true });
  }
  /** A member's fresh invite code (registered while registration was open). */
  async function inviteFrom(member: Member): Promise<string> {
    const res = await request(t.server).post('/api/invites').set(authHeader(member.accessToken));
    expect(res.status).toBe(201);
    return (res.body as { code: string }).code;
  }

  afterAll(async () => {
    await t.close();
  });

  describe('REGISTRATION=open (the default)', () => {
    it('lets anyone register, and ignores an invite code, even a bogus one', async () => {
      await start({});
      expect((await register(newcomer())).status).toBe(201);
      expect((await register(newcomer(undefined, 'no-such-code'))).status).toBe(201);
    });

    it('with REGISTRATION_EMAILS, lets only those addresses register, compared lowercased', async () => {
      await start({ REGISTRATION_EMAILS: ' Alice@Example.org ,bob@example.org' });
      expect((await register(newcomer('alice@example.org'))).status).toBe(201);
      expect((await register(newcomer(' BOB@EXAMPLE.ORG '))).status).toBe(201);
      const before = await users();
      expect(await register(newcomer('carol@example.org'))).toEqual(NOT_INVITED);
      expect(await register(newcomer('carol@example.org', 'any-code'))).toEqual(NOT_INVITED);
      expect(await users()).toBe(before);
    });
  });

  describe('REGISTRATION=closed', () => {
    it('refuses every registration, code or not, listed address or not, and creates nothing', async () => {
      await start({ REGISTRATION: 'closed', REGISTRATION_EMAILS: 'dave@example.org' });
      const before = await users();
      expect(await register(newcomer())).toEqual(CLOSED);
      expect(await register(newcomer('dave@example.org'))).toEqual(CLOSED);
      expect(await register(newcomer(undefined, 'some-code'))).toEqual(CLOSED);
      expect(await users()).toBe(before);
    });

    it('still validates first (422), and refusals count toward the throttle', async () => {
      await start({ REGISTRATION: 'closed', THROTTLE_LIMIT: '2' });
      expect((await register({ username: 'x' })).status).toBe(422);
      expect(await register(newcomer())).toEqual(CLOSED);
      expect((await register(newcomer())).status).toBe(429);
    });
  });

  describe('REGISTRATION=invite', () => {
    let alice: Member;

    beforeAll(async () => {
      await start({ REGISTRATION: 'invite', REGISTRATION_EMAILS: 'listed@example.org' });
      // The first member comes in through the operator's invite (`npm run users -- invite`).
      const body = { ...newcomer(), username: 'alice', invite_code: await operatorInvite() };
      const registered = await register(body);
      expect(registered.status).toBe(201);
      const id = (registered.body as { id: number }).id;
      // The tests move the Clock by days; this token outlives that.
      alice = { id, accessToken: lastingToken(id) };
    });

    /** The operator's path (`npm run users -- invite`), on this app's database. */
    async function operatorInvite(): Promise<string> {
      return (await t.app.get(InvitesService).create(null)).code;
    }

    it('refuses a registration without a code, or with an unknown one, and creates nothing', async () => {
      const before = await users();
      expect(await register(newcomer())).toEqual(CODE_REQUIRED);
      expect(await register(newcomer('listed@example.org'))).toEqual(CODE_REQUIRED);
      expect(await register(newcomer(undefined, 'x'.repeat(22)))).toEqual(INVALID_CODE);
      expect(await users()).toBe(before);
    });

    it('accepts a valid code once, whatever the allow-list says; the code is then used', async () => {
      const code = await inviteFrom(alice);
      expect((await register(newcomer('unlisted@example.org', code))).status).toBe(201);
      expect(await register(newcomer(undefined, code))).toEqual(INVALID_CODE);
    });

    it('bounds the code: 1 to 64 characters, a string', async () => {
      for (const invite_code of ['', 'x'.repeat(65), 42]) {
        expect((await register({ ...newcomer(), invite_code })).status).toBe(422);
      }
      expect(await register(newcomer(undefined, 'x'.repeat(64)))).toEqual(INVALID_CODE);
    });

    it('leaves the code unspent when the registration fails for another reason (409)', async () => {
      const code = await inviteFrom(alice);
      const taken = { ...newcomer(undefined, code), username: 'alice' };
      expect(outcome(await request(t.server).post('/api/auth/register').send(taken))).toEqual({
        status: 409,
        body: { detail: 'Username already registered' },
      });
      expect((await register(newcomer(undefined, code))).status).toBe(201);
    });

    it('expires INVITE_TTL after it was made (by the Clock)', async () => {
      const code = await inviteFrom(alice);
      const madeAt = clock.ms;
      clock.setTo(madeAt + INVITE_TTL_MS);
      expect(await register(newcomer(undefined, code))).toEqual(INVALID_CODE);
      clock.setTo(madeAt + INVITE_TTL_MS - 1);
      expect((await register(newcomer(undefined, code))).status).toBe(201);
    });

    it('of 10 racing registrations with one code, exactly one gets 201 and nine 403', async () => {
      const code = await inviteFrom(alice);
      const before = await users();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => register(newcomer(undefined, code))),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 403)).toEqual(Array(9).fill(INVALID_CODE));
      expect(await users()).toBe(before + 1);
    });

    describe('the invites API', () => {
      it('POST: a 128-bit URL-safe code, its expiry, and its creator; only a hash is stored', async () => {
        const res = await request(t.server).post('/api/invites').set(authHeader(alice.accessToken));
        expect(res.status).toBe(201);
        expect(Object.keys(res.body as object).sort()).toEqual([
          'code',
          'created_by',
          'expires_at',
          'id',
        ]);
        expect(res.body.code).toMatch(/^[A-Za-z0-9_-]{22,}$/);
        expect(res.body.expires_at).toBe(new Date(clock.ms + INVITE_TTL_MS).toISOString());
        expect(res.body.created_by).toEqual({ id: alice.id, username: 'alice' });
        const stored = await t.dataSource
          .getRepository(Invite)
          .findOneByOrFail({ id: res.body.id });
        expect(JSON.stringify(stored)).not.toContain(res.body.code);
      });

      it("GET: the caller's invites, newest first, with who used each, never a code", async () => {
        const used = await inviteFrom(alice);
        const newcomerBody = newcomer(undefined, used);
        expect((await register(newcomerBody)).status).toBe(201);
        clock.advance(1000);
        const unused = await inviteFrom(alice);

        const res = await request(t.server)
          .get('/api/invites?page_size=2')
          .set(authHeader(alice.accessToken));
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body)).not.toContain(used);
        expect(JSON.stringify(res.body)).not.toContain(unused);
        const [newest, previous] = res.body.results as Record<string, unknown>[];
        expect(Object.keys(newest).sort()).toEqual([
          'created_at',
          'expires_at',
          'id',
          'used_at',
          'used_by',
        ]);
        expect(newest).toMatchObject({ used_at: null, used_by: null });
        expect(previous).toMatchObject({
          used_at: expect.any(String),
          used_by: { id: expect.any(Number), username: newcomerBody.username },
        });
        expect(res.body).toMatchObject({ page: 1, page_size: 2 });
      });

      it('DELETE: revokes an unused invite of the caller (204); the code then fails', async () => {
        const code = await inviteFrom(alice);
        const listed = await request(t.server)
          .get('/api/invites')
          .set(authHeader(alice.accessToken));
        const id = (listed.body.results as { id: number }[])[0].id;
        const revoked = await request(t.server)
          .delete(`/api/invites/${id}`)
          .set(authHeader(alice.accessToken));
        expect(revoked.status).toBe(204);
        expect(await register(newcomer(undefined, code))).toEqual(INVALID_CODE);
        expect(
          outcome(
            await request(t.server).delete(`/api/invites/${id}`).set(authHeader(alice.accessToken)),
          ),
        ).toEqual({ status: 404, body: { detail: 'Invite not found' } });
      });

      it("DELETE: 409 for a used invite, 404 for someone else's, 422 for a bad id", async () => {
        const code = await inviteFrom(alice);
        const erin = newcomer(undefined, code);
        expect((await register(erin)).status).toBe(201);
        const erinLogin = await request(t.server)
          .post('/api/auth/login')
          .send({ username: erin.username, password: erin.password });
        const listed = await request(t.server)
          .get('/api/invites')
          .set(authHeader(alice.accessToken));
        const usedId = (listed.body.results as { id: number; used_at: string | null }[]).find(
          (invite) => invite.used_at !== null,
        )!.id;
        expect(
          outcome(
            await request(t.server)
              .delete(`/api/invites/${usedId}`)
              .set(authHeader(alice.accessToken)),
          ),
        ).toEqual({ status: 409, body: { detail: 'This invite has already been used' } });

        const alicesUnused = await request(t.server)
          .post('/api/invites')
          .set(authHeader(alice.accessToken));
        expect(
          outcome(
            await request(t.server)
              .delete(`/api/invites/${alicesUnused.body.id}`)
              .set(authHeader(erinLogin.body.access_token)),
          ),
        ).toEqual({ status: 404, body: { detail: 'Invite not found' } });
        expect(
          (await request(t.server).delete('/api/invites/abc').set(authHeader(alice.accessToken)))
            .status,
        ).toBe(422);
        expect((await request(t.server).post('/api/invites')).status).toBe(401);
      });
    });
  });
});

describe('npm run users -- invite', () => {
  it('prints a code as the last word of its last line, and it lets someone register', async () => {
    const database = await createSharedDatabase();
    const t = await createTestApp({ env: { DATABASE_URL: database.url, REGISTRATION: 'invite' } });
    try {
      const { code, out } = await runCommand(['users', 'invite'], { DATABASE_URL: database.url });
      expect(code).toBe(0);
      const inviteCode = out.at(-1)!.split(' ').at(-1)!;
      expect(inviteCode).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      const res = await request(t.server)
        .post('/api/auth/register')
        .send(newcomer(undefined, inviteCode));
      expect(res.status).toBe(201);
    } finally {
      await t.close();
      await database.drop();
    }
  });
});
