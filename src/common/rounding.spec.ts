import { roundHalfUp, roundRatio } from './rounding.js';

describe(roundRatio.name, () => {
  it.each([
    [22, 3, 7.33],
    [201, 200, 1.01],
    [1, 8, 0.13],
    [-1, 8, -0.13],
    [-17, 8, -2.13],
    [17, 8, 2.13],
    [-1, 3, -0.33],
    [-1, 300, 0],
    [0, 5, 0],
    [10, 1, 10],
  ])('%d / %d → %d', (numerator, denominator, expected) => {
    expect(roundRatio(numerator, denominator)).toBe(expected);
  });
});

describe(roundHalfUp.name, () => {
  it.each([
    [1.005, 1.01],
    [-1.005, -1.01],
    [8.369, 8.37],
    [-0.125, -0.13],
    [2.675, 2.68],
    [0.1 + 0.2, 0.3],
    [-0.004, 0],
    [7.5 - 8.4, -0.9],
  ])('%d → %d', (value, expected) => {
    expect(roundHalfUp(value)).toBe(expected);
  });
});
