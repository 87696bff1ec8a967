import { describe, expect, it } from 'vitest';
import { wilsonInterval, winRate } from '../../src/stats/wilson.js';

describe('the 95% Wilson interval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i won of %i decided gives %f–%f, as published', (won, decided, low, high) => {
    const interval = wilsonInterval(won, decided);
    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
  });

  it('is symmetric around one half and ends exactly at 0 and 1', () => {
    expect(wilsonInterval(5, 10)).toEqual({ low: expect.closeTo(0.2366, 4), high: expect.closeTo(0.7634, 4) });
    expect(wilsonInterval(10, 10)?.high).toBe(1);
    expect(wilsonInterval(0, 10)?.low).toBe(0);
  });

  it('narrows as the sample grows', () => {
    const width = (interval: { low: number; high: number } | null) => (interval ? interval.high - interval.low : 1);
    // A hundred times the sample, a tenth of the width (it shrinks with √n).
    expect(width(wilsonInterval(600, 1000))).toBeCloseTo(width(wilsonInterval(6, 10)) / 10, 1);
    expect(width(wilsonInterval(600, 1000))).toBeLessThan(width(wilsonInterval(60, 100)));
  });

  it('with nothing decided there is no rate and no interval, never NaN', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(winRate(0, 0)).toEqual({ decided: 0, won: 0, lost: 0, rate: null, low: null, high: null });
  });

  it('a win rate carries its sample and interval', () => {
    expect(winRate(3, 1)).toEqual({
      decided: 4,
      won: 3,
      lost: 1,
      rate: 0.75,
      low: expect.closeTo(0.3006, 4),
      high: expect.closeTo(0.9544, 4),
    });
  });
});
