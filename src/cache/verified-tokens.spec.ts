import { MAX_VERIFIED_TOKENS, VerifiedTokens } from './verified-tokens.js';
import { FakeClock } from '../../test/support/fake-clock.js';

describe(VerifiedTokens.name, () => {
  it('recalls a remembered token until the second its exp names', () => {
    const tokens = new VerifiedTokens(new FakeClock(0));
    tokens.remember('t', { sub: '1', exp: 100 });
    expect(tokens.recall('t', 99)).toEqual({ sub: '1', exp: 100 });
    expect(tokens.recall('t', 100)).toBeUndefined();
    expect(tokens.recall('t', 99)).toBeUndefined();
  });

  it('knows only the exact token', () => {
    const tokens = new VerifiedTokens(new FakeClock(0));
    tokens.remember('abc', { sub: '1', exp: 100 });
    expect(tokens.recall('abc ', 1)).toBeUndefined();
    expect(tokens.recall('ab', 1)).toBeUndefined();
  });

  it('forgets the oldest beyond 5000 tokens', () => {
    const tokens = new VerifiedTokens(new FakeClock(0));
    expect(MAX_VERIFIED_TOKENS).toBe(5000);
    for (let i = 0; i <= 5000; i++) tokens.remember(`t${i}`, { sub: '1', exp: 100 });
    expect(tokens.recall('t0', 1)).toBeUndefined();
    expect(tokens.recall('t1', 1)).toBeDefined();
    expect(tokens.recall('t5000', 1)).toBeDefined();
  });

  it('lets go of a token once the Clock passes its exp, and never keeps one already expired', () => {
    const clock = new FakeClock(0);
    const tokens = new VerifiedTokens(clock);
    tokens.remember('t', { sub: '1', exp: 100 });
    clock.ms = 100_001;
    expect(tokens.recall('t', 1)).toBeUndefined();

    tokens.remember('late', { sub: '1', exp: 100 });
    expect(tokens.recall('late', 1)).toBeUndefined();
  });
});
