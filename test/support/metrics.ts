import { Metrics } from '@aws-lambda-powertools/metrics';
import { vi } from 'vitest';
import { metricNames, rejectionReasonDimension, type MetricName } from '../../src/config/metrics.js';
import type { MetricStore } from '../../src/local/metrics/metric-store.js';
import type { RejectionReason } from '../../src/protocol/rejection.js';

/**
 * What the handlers count, seen at Powertools' `addMetric` (also of the single metrics a
 * rejection publishes). Tests assert on metric names and sums, not on log wording. Marks
 * make windows: `const mark = counted.mark()` … `counted.sum('Publishes', mark)`.
 */
export class CountedMetrics {
  private constructor(
    private readonly addMetric: ReturnType<typeof spyOnAddMetric>,
    private readonly addDimension: ReturnType<typeof spyOnAddDimension>,
  ) {}

  /** Starts counting; call once per test file, at its top level or in `beforeAll`. */
  static start(): CountedMetrics {
    return new CountedMetrics(spyOnAddMetric(), spyOnAddDimension());
  }

  /** A point to count from. */
  mark(): number {
    return this.addMetric.mock.calls.length;
  }

  /** The sum of the values counted under `name` since `since`. */
  sum(name: MetricName, since = 0): number {
    return this.calls(since)
      .filter(([metric]) => metric === name)
      .reduce((total, [, , value]) => total + Number(value ?? 1), 0);
  }

  /** `name=value` of everything counted since `since`: for failure messages. */
  describe(since = 0): string[] {
    return this.calls(since).map(([name, , value]) => `${name}=${value}`);
  }

  /** The reasons of the `RejectedMessages` counted since the given mark of {@link dimensionMark}. */
  rejectionReasons(since = 0): RejectionReason[] {
    return this.addDimension.mock.calls
      .slice(since)
      .filter(([name]) => name === rejectionReasonDimension)
      .map(([, value]) => value as RejectionReason);
  }

  dimensionMark(): number {
    return this.addDimension.mock.calls.length;
  }

  private calls(since: number) {
    return this.addMetric.mock.calls.slice(since);
  }
}

/**
 * The sum of a handler metric over every dimension set, as a local runtime recorded it from
 * its functions' EMF: how tests count in bundles mode, where the handlers run in execution
 * environments and print their metrics, out of reach of a spy in this process.
 */
export function recordedSum(store: MetricStore, name: MetricName): number {
  return store.seriesOf(name).reduce((total, series) => total + series.total.sum, 0);
}

function spyOnAddMetric() {
  return vi.spyOn(Metrics.prototype, 'addMetric');
}

function spyOnAddDimension() {
  return vi.spyOn(Metrics.prototype, 'addDimension');
}

export { metricNames };
