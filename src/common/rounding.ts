/**
 * Rounding as the wire sends numbers (opinions.md, intro): half-up to 2 decimals, half away from zero
 * for negative numbers (−2.125 → −2.13). Only ever applied when a number is sent.
 */

/**
 * `numerator / denominator` rounded exactly, for integers (denominator > 0): a fraction of ratings
 * such as 201 / 200 = 1.005 becomes 1.01, not the 1.00 that `Math.round(x * 100)` gives.
 */
export function roundRatio(numerator: number, denominator: number): number {
  const rounded = Math.floor((200 * Math.abs(numerator) + denominator) / (2 * denominator)) / 100;
  return numerator < 0 && rounded > 0 ? -rounded : rounded;
}

/**
 * A computed (floating-point) number rounded half-up: first to 12 significant digits, which undoes
 * binary representation error (1.005 is stored as 1.00499999…), then to 2 decimals.
 */
export function roundHalfUp(value: number): number {
  const hundredths = Math.round(Number((Math.abs(value) * 100).toPrecision(12)));
  return value < 0 && hundredths > 0 ? -hundredths / 100 : hundredths / 100;
}
