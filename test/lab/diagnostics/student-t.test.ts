import { describe, expect, it } from 'vitest';
import {
  logGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
} from '../../../src-main/lab/diagnostics/student-t';

describe('logGamma', () => {
  it.each([
    [1, 0],
    [2, 0],
    [5, Math.log(24)],
    [0.5, 0.5 * Math.log(Math.PI)],
    [12.5, Math.log(Math.sqrt(Math.PI)) + Math.log([...Array(12).keys()].reduce((p, k) => p * (k + 0.5), 1))],
  ])('lnΓ(%d) is exact to 1e-12', (x, want) => {
    expect(logGamma(x)).toBeCloseTo(want, 12);
  });

  it('rejects x <= 0', () => {
    expect(() => logGamma(0)).toThrow(/x > 0/);
  });
});

describe('regularized incomplete beta', () => {
  // Reference values from scipy.special.betainc (computed independently).
  it.each([
    [0.2, 0.5, 0.5, 0.2951672353008665],
    [0.3, 2.5, 7.1, 0.6490225790210132],
    [0.9, 10, 3, 0.889130022255],
    [0.45, 50, 60, 0.4642352914306031],
  ])('I_%d(%d, %d)', (x, a, b, want) => {
    expect(regularizedIncompleteBeta(x, a, b)).toBeCloseTo(want, 10);
  });

  it('is 0 and 1 at the ends and symmetric: I_x(a,b) = 1 - I_(1-x)(b,a)', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(regularizedIncompleteBeta(0.37, 2.2, 4.1) + regularizedIncompleteBeta(0.63, 4.1, 2.2)).toBeCloseTo(1, 13);
  });
});

describe('Student t distribution', () => {
  it.each([-30, -2.5, -0.3, 0, 0.7, 4, 100])('matches the Cauchy closed form at 1 df (t = %d)', (t) => {
    expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
  });

  it.each([-8, -0.7, 0, 1.3, 25])('matches the closed form at 2 df (t = %d)', (t) => {
    expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
  });

  // Tabulated critical values: t(0.975, 10) = 2.228 and friends (scipy.stats.t.ppf for more digits).
  it.each([
    [0.975, 10, 2.228138851986274],
    [0.95, 5, 2.0150483733330233],
    [0.995, 30, 2.7499956535672254],
    [0.975, 1, 12.706204736174698],
  ])('quantile t(%d, %d)', (p, df, want) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(want, 8);
    expect(studentTCdf(want, df)).toBeCloseTo(p, 10);
  });

  it('handles fractional degrees of freedom (Welch)', () => {
    expect(studentTCdf(-1.5, 7.3)).toBeCloseTo(0.08778154640154305, 10);
    expect(studentTTwoSided(3, 2.5)).toBeCloseTo(0.07257609554903183, 10);
  });

  it('is symmetric and monotone', () => {
    let previous = 0;
    for (let t = -10; t <= 10; t += 0.25) {
      const p = studentTCdf(t, 4.2);
      expect(p).toBeGreaterThanOrEqual(previous);
      expect(p + studentTCdf(-t, 4.2)).toBeCloseTo(1, 13);
      previous = p;
    }
  });
});
