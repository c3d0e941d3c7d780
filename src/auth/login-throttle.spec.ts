import { FixedWindowCounter } from './login-throttle.js';

describe(FixedWindowCounter.name, () => {
  it('allows `limit` hits per window, then says how long to wait', () => {
    const counter = new FixedWindowCounter(2, 60_000);
    expect(counter.hit('a', 0)).toBe(0);
    expect(counter.hit('a', 1_000)).toBe(0);
    expect(counter.hit('a', 1_500)).toBe(59);
    expect(counter.hit('a', 59_999)).toBe(1);
  });

  it('opens a fresh window once the old one has passed', () => {
    const counter = new FixedWindowCounter(1, 10_000);
    expect(counter.hit('a', 0)).toBe(0);
    expect(counter.hit('a', 5_000)).toBe(5);
    expect(counter.hit('a', 10_000)).toBe(0);
  });

  it('counts each key on its own', () => {
    const counter = new FixedWindowCounter(1, 10_000);
    expect(counter.hit('a', 0)).toBe(0);
    expect(counter.hit('b', 0)).toBe(0);
    expect(counter.hit('a', 0)).toBe(10);
  });

  it('never asks to wait less than one second', () => {
    const counter = new FixedWindowCounter(1, 10_000);
    counter.hit('a', 0);
    expect(counter.hit('a', 9_999)).toBe(1);
  });

  it('forgets expired windows when many clients are tracked', () => {
    const counter = new FixedWindowCounter(1, 1_000);
    for (let i = 0; i <= 10_001; i++) counter.hit(`client-${i}`, 0);
    counter.hit('late', 5_000);
    const windows = (counter as unknown as { windows: Map<string, unknown> }).windows;
    expect(windows.size).toBe(1);
  });
});
