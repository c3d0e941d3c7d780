import { VerifiedTokens } from './verified-tokens.js';

describe(VerifiedTokens.name, () => {
  it('recalls a remembered token until the second its exp names', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('t', { sub: '1', exp: 100 });
    expect(tokens.recall('t', 99)).toEqual({ sub: '1', exp: 100 });
    expect(tokens.recall('t', 100)).toBeUndefined();
    expect(tokens.recall('t', 99)).toBeUndefined();
  });

  it('knows only the exact token', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('abc', { sub: '1', exp: 100 });
    expect(tokens.recall('abc ', 1)).toBeUndefined();
    expect(tokens.recall('ab', 1)).toBeUndefined();
  });

  it('forgets the oldest beyond 5000 tokens', () => {
    const tokens = new VerifiedTokens();
    for (let i = 0; i <= 5000; i++) tokens.remember(`t${i}`, { sub: '1', exp: 100 });
    expect(tokens.recall('t0', 1)).toBeUndefined();
    expect(tokens.recall('t1', 1)).toBeDefined();
    expect(tokens.recall('t5000', 1)).toBeDefined();
  });
});
