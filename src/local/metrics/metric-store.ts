/**
 * The local runtime's metrics, in one-second buckets for the last minutes and as totals
 * since it started: what the /dashboard page draws. Each series is a metric name with its
 * dimensions (`{ function: 'message' }`), as CloudWatch keys them.
 */
export type Dimensions = Readonly<Record<string, string>>;

export interface Aggregate {
  count: number;
  sum: number;
  max: number;
  /** Samples for percentiles, bounded (see `maxSamples`). */
  readonly samples: number[];
}

export interface SeriesData {
  readonly name: string;
  readonly dimensions: Dimensions;
  /** Since the runtime started. */
  readonly total: Aggregate;
  /** By bucket start (ms), oldest first, only buckets that had a value. */
  readonly buckets: ReadonlyMap<number, Aggregate>;
}

export interface MetricStoreOptions {
  readonly bucketMs?: number;
  /** How far back buckets are kept. */
  readonly windowMs?: number;
  readonly now?: () => number;
}

/** Per bucket and in the totals: enough for a p99, bounded so a busy second costs no more. */
const maxSamples = 2_000;

export class MetricStore {
  readonly bucketMs: number;
  readonly windowMs: number;
  readonly startedAt: number;
  private readonly now: () => number;
  private readonly series = new Map<string, { name: string; dimensions: Dimensions; total: Aggregate; buckets: Map<number, Aggregate> }>();

  constructor(options: MetricStoreOptions = {}) {
    this.bucketMs = options.bucketMs ?? 1_000;
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  record(name: string, value: number, dimensions: Dimensions = {}, at = this.now()): void {
    if (!Number.isFinite(value)) return;
    const key = seriesKey(name, dimensions);
    let series = this.series.get(key);
    if (!series) {
      series = { name, dimensions: { ...dimensions }, total: emptyAggregate(), buckets: new Map() };
      this.series.set(key, series);
    }
    const bucketStart = at - (at % this.bucketMs);
    let bucket = series.buckets.get(bucketStart);
    if (!bucket) {
      bucket = emptyAggregate();
      series.buckets.set(bucketStart, bucket);
      this.forgetBefore(series.buckets, bucketStart - this.windowMs);
    }
    add(bucket, value);
    add(series.total, value);
  }

  /** The series of a metric, every dimension combination recorded. */
  seriesOf(name: string): SeriesData[] {
    return [...this.series.values()].filter((series) => series.name === name);
  }

  private forgetBefore(buckets: Map<number, Aggregate>, oldest: number): void {
    for (const start of buckets.keys()) {
      if (start >= oldest) break;
      buckets.delete(start);
    }
  }
}

/** A statistic of an aggregate, as CloudWatch computes it. */
export function statisticOf(aggregate: Aggregate, statistic: 'Sum' | 'Average' | 'Maximum' | 'p50' | 'p99'): number {
  switch (statistic) {
    case 'Sum':
      return aggregate.sum;
    case 'Average':
      return aggregate.count === 0 ? 0 : aggregate.sum / aggregate.count;
    case 'Maximum':
      return aggregate.count === 0 ? 0 : aggregate.max;
    case 'p50':
      return percentile(aggregate.samples, 0.5);
    case 'p99':
      return percentile(aggregate.samples, 0.99);
  }
}

function percentile(samples: readonly number[], share: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

function emptyAggregate(): Aggregate {
  return { count: 0, sum: 0, max: Number.NEGATIVE_INFINITY, samples: [] };
}

function add(aggregate: Aggregate, value: number): void {
  aggregate.count++;
  aggregate.sum += value;
  aggregate.max = Math.max(aggregate.max, value);
  // Reservoir sampling: every value has the same chance to be among the kept ones.
  if (aggregate.samples.length < maxSamples) aggregate.samples.push(value);
  else {
    const slot = Math.floor(Math.random() * aggregate.count);
    if (slot < maxSamples) aggregate.samples[slot] = value;
  }
}

function seriesKey(name: string, dimensions: Dimensions): string {
  return `${name}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',')}`;
}
