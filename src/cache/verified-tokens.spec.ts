import { MAX_VERIFIED_TOKENS, VerifiedTokens } from './verified-tokens.js';
import { FakeClock } from '../../test/support/fake-clock.js';

describe(VerifiedTokens.name, () => {
  it('recalls a remembered token until the second its exp names, by the Clock', () => {
    const clock = new FakeClock(0);
    const tokens = new VerifiedTokens(clock);
    tokens.remember('t', { sub: '1', exp: 100 });
    clock.ms = 99_999;
    expect(tokens.recall('t')).toEqual({ sub: '1', exp: 100 });
    clock.ms = 100_000;
    expect(tokens.recall('t')).toBeUndefined();
    clock.ms = 99_000;
    expect(tokens.recall('t')).toBeUndefined();
  });

  it('knows only the exact token', () => {
    const tokens = new VerifiedTokens(new FakeClock(0));
    tokens.remember('abc', { sub: '1', exp: 100 });
    expect(tokens.recall('abc ')).toBeUndefined();
    expect(tokens.recall('ab')).toBeUndefined();
    expect(tokens.recall('abc')).toBeDefined();
  });

  it('forgets the oldest beyond 5000 tokens', () => {
    const tokens = new VerifiedTokens(new FakeClock(0));
    expect(MAX_VERIFIED_TOKENS).toBe(5000);
    for (let i = 0; i <= 5000; i++) tokens.remember(`t${i}`, { sub: '1', exp: 100 });
    expect(tokens.recall('t0')).toBeUndefined();
    expect(tokens.recall('t1')).toBeDefined();
    expect(tokens.recall('t5000')).toBeDefined();
  });

  it('never keeps a token already expired by the Clock', () => {
    const clock = new FakeClock(100_001);
    const tokens = new VerifiedTokens(clock);
    tokens.remember('late', { sub: '1', exp: 100 });
    clock.ms = 0;
    expect(tokens.recall('late')).toBeUndefined();
  });
});
