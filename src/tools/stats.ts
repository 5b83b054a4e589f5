/**
 * Summary statistics for the benches and the load test. Every function returns NaN for an
 * empty sample, so a table can print it as "n/a" instead of throwing.
 */

/** A sorted copy, ascending. */
export function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The nearest-rank percentile of values already sorted ascending (see `ascending`): the
 * smallest value with at least `fraction` of the sample at or below it. Always a value of the
 * sample, never an interpolation.
 */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/** The nearest-rank median (the lower middle value of an even sample), of values in any order. */
export function median(values: readonly number[]): number {
  return percentile(ascending(values), 0.5);
}

/** The arithmetic mean, summed in the order given. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Count, p50, p99 and maximum of values in any order. */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = ascending(values);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1]! };
}
