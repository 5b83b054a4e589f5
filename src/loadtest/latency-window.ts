/** Delivery latencies, both for the whole run and for the window since the last progress line. */
export class LatencyRecorder {
  private all: number[] = [];
  private window: number[] = [];

  record(milliseconds: number): void {
    this.all.push(milliseconds);
    this.window.push(milliseconds);
  }

  takeWindow(): Percentiles {
    const result = percentiles(this.window);
    this.window = [];
    return result;
  }

  overall(): Percentiles {
    return percentiles(this.all);
  }
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1]! };
}

/** The nearest-rank percentile of values sorted ascending; NaN when there are none. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}
