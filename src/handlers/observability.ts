import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { iceServersOutcomeDimension, metricNames, rejectionReasonDimension, type IceServersOutcome, type MetricName } from '../config/metrics.js';
import type { RejectionReason } from '../protocol/rejection.js';

export { metricNames, type MetricName } from '../config/metrics.js';

/**
 * Powertools, set up once for every function. Service name, namespace and log level come
 * from POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_LOG_LEVEL,
 * which Powertools reads itself: the construct sets them on Lambda, and the local entry
 * points (src/local/powertools-defaults.ts) and the test config for the handlers that run
 * in their process.
 */
export const logger = new Logger();
export const metrics = new Metrics();

/** Takes each count instead of Powertools: the local runtime's dashboard, in sources mode. */
export type MetricRecorder = (name: MetricName, value: number, dimensions: Readonly<Record<string, string>>) => void;

let recorder: MetricRecorder | undefined;

/**
 * Sends every count to `target` instead of Powertools' EMF on stdout, until called with
 * undefined. For `npm start` in sources mode, where the handlers run in its own process: its
 * dashboard draws them. On Lambda and in bundles mode nothing calls it, and EMF is what the
 * dashboards read.
 */
export function recordMetricsWith(target: MetricRecorder | undefined): void {
  recorder = target;
}

export function count(name: MetricName, value = 1): void {
  if (recorder) return recorder(name, value, {});
  metrics.addMetric(name, MetricUnit.Count, value);
}

function countBy(name: MetricName, dimension: string, value: string): void {
  if (recorder) return recorder(name, 1, { [dimension]: value });
  const metric = metrics.singleMetric();
  metric.addDimension(dimension, value);
  metric.addMetric(name, MetricUnit.Count, 1);
}

export function countRejection(reason: RejectionReason): void {
  countBy(metricNames.rejectedMessages, rejectionReasonDimension, reason);
}

export function countIceServersOutcome(outcome: IceServersOutcome): void {
  countBy(metricNames.iceServerRequests, iceServersOutcomeDimension, outcome);
}

/** Publishes what the invocation counted; silent when it counted nothing (a rejection publishes at once). */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/**
 * A logger for one invocation. A child logger, not appended keys on the shared one, because
 * the local runtime runs many invocations at once in one process.
 */
export function invocationLogger(keys: { connectionId?: string; requestId?: string }): Logger {
  return logger.createChild({ persistentKeys: keys });
}
