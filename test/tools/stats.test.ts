import { describe, expect, it } from 'vitest';
import { ascending, mean, median, percentile, percentiles } from '../../src/tools/stats.js';

describe('stats', () => {
  it('takes nearest-rank percentiles: always a value of the sample', () => {
    const sorted = ascending([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]);
    expect(sorted).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(sorted, 0.5)).toBe(5);
    expect(percentile(sorted, 0.99)).toBe(10);
    expect(percentile(sorted, 0.1)).toBe(1);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 1)).toBe(10);
    expect(percentile([7], 0.99)).toBe(7);
  });

  it('gives the lower middle as the median of an even sample, in any order', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('means in the order given', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
  });

  it('summarises count, p50, p99 and max, and leaves the input as it was', () => {
    const values = Array.from({ length: 200 }, (_, n) => 200 - n);
    expect(percentiles(values)).toEqual({ count: 200, p50: 100, p99: 198, max: 200 });
    expect(values[0]).toBe(200);
  });

  it('answers NaN for an empty sample instead of throwing', () => {
    expect(percentile([], 0.5)).toBeNaN();
    expect(median([])).toBeNaN();
    expect(mean([])).toBeNaN();
    expect(percentiles([])).toEqual({ count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN });
  });
});
