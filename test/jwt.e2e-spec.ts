import { createHmac } from 'node:crypto';
import request from 'supertest';
import { User } from '../src/users/entities/user.entity.js';
import {
  base64url,
  craftJwt,
  decodeJwt,
  nowSeconds,
  outcome,
  registerAndLogin,
  unsignedJwt,
  withoutSecrets,
  type SelfUserBody,
  type TokenPairBody,
} from './support/auth-helpers.js';
import { FakeClock } from './support/fake-clock.js';
import { createTestApp, TEST_ENV, writeOutsideApi, type TestApp } from './support/test-app.js';

const NOT_AUTHENTICATED = { detail: 'Not authenticated' };
const INVALID_CREDENTIALS = { detail: 'Could not validate credentials' };
const INACTIVE = { detail: 'User account is inactive' };

/** Valid claims for `userId`, good for ten minutes. */
function claimsFor(userId: number): Record<string, unknown> {
  return { sub: String(userId), iat: nowSeconds(), exp: nowSeconds() + 600 };
}

describe('Access tokens on GET /api/auth/me (contract §3.6)', () => {
  let t: TestApp;
  let user: SelfUserBody;
  let tokens: TokenPairBody;

  const me = (authorization?: string) => {
    const pending = request(t.server).get('/api/auth/me');
    return withoutSecrets(
      authorization === undefined ? pending : pending.set('Authorization', authorization),
    );
  };

  /** The contract's 401: exact body and the Bearer challenge. */
  async function expectUnauthorized(
    authorization: string | undefined,
    body: { detail: string },
  ): Promise<void> {
    const res = await me(authorization);
    expect(outcome(res)).toEqual({ status: 401, body });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  }

  beforeAll(async () => {
    t = await createTestApp();
    ({ user, tokens } = await registerAndLogin(t.server));
  });

  afterAll(async () => {
    await t.close();
  });

  it('accepts the issued access token', async () => {
    const res = await me(`Bearer ${tokens.access_token}`);
    expect(outcome(res)).toEqual({ status: 200, body: user });
  });

  it('accepts a hand-crafted HS256 token signed with SECRET_KEY (control for the attacks below)', async () => {
    const res = await me(`Bearer ${craftJwt(claimsFor(user.id))}`);
    expect(outcome(res)).toEqual({ status: 200, body: user });
  });

  it.each(['bearer', 'BEARER', 'bEaReR'])(
    'treats the scheme %s case-insensitively',
    async (scheme) => {
      const res = await me(`${scheme} ${tokens.access_token}`);
      expect(outcome(res)).toEqual({ status: 200, body: user });
    },
  );

  describe('401 Not authenticated', () => {
    it('without an Authorization header', async () => {
      await expectUnauthorized(undefined, NOT_AUTHENTICATED);
    });

    it.each([
      ['Basic', () => 'Basic dXNlcjpwYXNzd29yZA=='],
      ['Token', () => `Token ${tokens.access_token}`],
      ['JWT', () => `JWT ${tokens.access_token}`],
      ['no scheme at all', () => tokens.access_token],
    ])('with the non-bearer scheme %s', async (_case, header) => {
      await expectUnauthorized(header(), NOT_AUTHENTICATED);
    });
  });

  describe('401 Could not validate credentials', () => {
    const now = () => nowSeconds();
    const id = () => user.id;

    it.each<[string, () => string]>([
      ['a malformed token', () => 'not-a-jwt'],
      ['three junk segments', () => 'abc.def.ghi'],
      ['four segments', () => `${tokens.access_token}.extra`],
      ['a payload that is not JSON', () => craftJwt('not json')],
      [
        'a signature from another secret',
        () => craftJwt(claimsFor(id()), { secret: 'another-secret-that-is-long-enough-987654' }),
      ],
      [
        'a tampered payload',
        () => {
          const [header, , signature] = tokens.access_token.split('.');
          // Same user, a day more to live, the original signature.
          const payload = base64url(JSON.stringify({ ...claimsFor(id()), exp: now() + 86_400 }));
          return `${header}.${payload}.${signature}`;
        },
      ],
      [
        'the issued token with its signature removed',
        () => tokens.access_token.split('.').slice(0, 2).join('.') + '.',
      ],
      ['alg none (unsigned)', () => unsignedJwt(claimsFor(id()))],
      [
        'alg none carrying an HS256 signature',
        () => {
          const unsigned = unsignedJwt(claimsFor(id()));
          const signature = createHmac('sha256', TEST_ENV.SECRET_KEY)
            .update(unsigned.slice(0, -1))
            .digest('base64url');
          return `${unsigned}${signature}`;
        },
      ],
      ['HS384 with the right secret', () => craftJwt(claimsFor(id()), { alg: 'HS384' })],
      ['HS512 with the right secret', () => craftJwt(claimsFor(id()), { alg: 'HS512' })],
      [
        'an RS256 header, HMAC-signed with the secret',
        () => craftJwt(claimsFor(id()), { alg: 'RS256', digest: 'sha256' }),
      ],
      ['no exp', () => craftJwt({ sub: String(id()), iat: now() })],
      [
        'an exp 1 second in the past (no leeway)',
        () => craftJwt({ sub: String(id()), iat: now() - 60, exp: now() - 1 }),
      ],
      [
        'an exp that is not a number',
        () => craftJwt({ sub: String(id()), iat: now(), exp: String(now() + 600) }),
      ],
    ])('for %s', async (_case, token) => {
      await expectUnauthorized(`Bearer ${token()}`, INVALID_CREDENTIALS);
    });

    it.each<[string, (id: number) => unknown]>([
      ['missing', () => undefined],
      ['a number (42, not "42")', (id) => id],
      ['null', () => null],
      ['"0"', () => '0'],
      ['"-1"', () => '-1'],
      ['"abc"', () => 'abc'],
      ['"1.5"', () => '1.5'],
      ['zero-padded ("01")', (id) => `0${id}`],
      ['signed ("+1")', (id) => `+${id}`],
      ['padded with spaces', (id) => ` ${id} `],
      ['in exponent form', (id) => `${id}e0`],
      ['empty', () => ''],
      ['the id of a user that never existed', () => '987654'],
      ['beyond 32-bit ids', () => '99999999999999999999'],
    ])('for a sub that is %s', async (_case, sub) => {
      // JSON drops an undefined sub, which is how "missing" is made.
      const token = craftJwt({ ...claimsFor(user.id), sub: sub(user.id) });
      await expectUnauthorized(`Bearer ${token}`, INVALID_CREDENTIALS);
    });

    it('for the token of a deleted user', async () => {
      const doomed = await registerAndLogin(t.server);
      await t.dataSource.getRepository(User).delete({ id: doomed.user.id });
      await expectUnauthorized(`Bearer ${doomed.tokens.access_token}`, INVALID_CREDENTIALS);
    });
  });

  it('answers 401 User account is inactive for a deactivated user, until reactivated', async () => {
    const member = await registerAndLogin(t.server);
    const setActive = (isActive: boolean) =>
      writeOutsideApi(t, (db) =>
        db.getRepository(User).update({ id: member.user.id }, { isActive }),
      );
    await setActive(false);
    await expectUnauthorized(`Bearer ${member.tokens.access_token}`, INACTIVE);

    await setActive(true);
    const res = await me(`Bearer ${member.tokens.access_token}`);
    expect(res.status).toBe(200);
  });
});

describe('Issued access tokens (contract §3.6)', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('are HS256 JWTs signed with SECRET_KEY, sub the user id as a string, living 1800 s', async () => {
    t = await createTestApp();
    const before = nowSeconds();
    const { user, tokens } = await registerAndLogin(t.server);
    const after = nowSeconds();

    const { header, payload } = decodeJwt(tokens.access_token);
    expect(header.alg).toBe('HS256');
    expect(payload.sub).toBe(String(user.id));
    expect(typeof payload.iat).toBe('number');
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect(tokens.expires_in).toBe(1800);
    expect((payload.exp as number) - (payload.iat as number)).toBe(tokens.expires_in);

    const [encodedHeader, encodedPayload, signature] = tokens.access_token.split('.');
    const expected = createHmac('sha256', TEST_ENV.SECRET_KEY)
      .update(`${encodedHeader}.${encodedPayload}`)
      .digest('base64url');
    expect(signature).toBe(expected);
  });

  it('are issued and judged by the Clock: valid until the second their exp names', async () => {
    const clock = new FakeClock('2025-03-04T05:06:07.089Z');
    t = await createTestApp({ clock, env: { JWT_ACCESS_TTL: '90s' } });
    const { user, tokens } = await registerAndLogin(t.server);
    const { payload } = decodeJwt(tokens.access_token);
    expect(payload.iat).toBe(Math.floor(clock.ms / 1000));
    const me = (token: string) =>
      request(t!.server).get('/api/auth/me').set('Authorization', `Bearer ${token}`);

    clock.setTo((payload.exp as number) * 1000 - 1);
    expect(outcome(await me(tokens.access_token))).toEqual({ status: 200, body: user });
    clock.setTo((payload.exp as number) * 1000);
    expect(outcome(await me(tokens.access_token))).toEqual({
      status: 401,
      body: INVALID_CREDENTIALS,
    });
    // A token never verified before (not recalled from the verified tokens) is judged the same.
    const fresh = craftJwt({ sub: String(user.id), iat: payload.iat, exp: payload.exp, n: 1 });
    expect(outcome(await me(fresh))).toEqual({ status: 401, body: INVALID_CREDENTIALS });
    clock.setTo((payload.exp as number) * 1000 - 1000);
    expect((await me(fresh)).status).toBe(200);
  });

  it('live JWT_ACCESS_TTL seconds, which is also expires_in', async () => {
    t = await createTestApp({ env: { JWT_ACCESS_TTL: '90s' } });
    const { tokens } = await registerAndLogin(t.server);
    expect(tokens.expires_in).toBe(90);
    const { payload } = decodeJwt(tokens.access_token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(90);

    const refreshed = await withoutSecrets(
      request(t.server).post('/api/auth/refresh').send({ refresh_token: tokens.refresh_token }),
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.expires_in).toBe(90);
    const again = decodeJwt(refreshed.body.access_token).payload;
    expect((again.exp as number) - (again.iat as number)).toBe(90);
  });
});

describe('Two apps in one process', () => {
  let first: TestApp;
  let second: TestApp;

  afterEach(async () => {
    await first?.close();
    await second?.close();
  });

  it('each checks tokens against its own users, whichever started last', async () => {
    first = await createTestApp();
    const { user } = await registerAndLogin(first.server);
    // The second app has no users at all. A process-wide strategy registry (passport) would check
    // the first app's tokens against this one's empty table and answer 401.
    second = await createTestApp();
    const neverVerified = craftJwt(claimsFor(user.id));
    const res = await withoutSecrets(
      request(first.server).get('/api/auth/me').set('Authorization', `Bearer ${neverVerified}`),
    );
    expect(outcome(res)).toEqual({ status: 200, body: user });
    const elsewhere = await request(second.server)
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${neverVerified}`);
    expect(outcome(elsewhere)).toEqual({ status: 401, body: INVALID_CREDENTIALS });
  });
});
