import { parseRetryAfterMs } from './retry-after.js';

describe(parseRetryAfterMs.name, () => {
  const now = Date.parse('2015-10-21T07:28:00Z');

  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfterMs('0', now)).toBe(0);
    expect(parseRetryAfterMs('1', now)).toBe(1000);
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
  });

  it('tolerates whitespace around delta-seconds', () => {
    expect(parseRetryAfterMs(' 3 ', now)).toBe(3000);
  });

  it('reads an HTTP-date as the time left until then', () => {
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:07 GMT', now)).toBe(7000);
  });

  it('reads an HTTP-date relative to the given now', () => {
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:07 GMT', now - 500)).toBe(7500);
  });

  it('reads an HTTP-date in the past as no wait', () => {
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });

  it.each(['soon', '', '   ', '1.5', '-1', '+3', 'Someday, 99 Foo 2015'])(
    'ignores the unparseable value %j',
    (header) => {
      expect(parseRetryAfterMs(header, now)).toBeUndefined();
    },
  );

  it('returns undefined when the header is absent', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});
