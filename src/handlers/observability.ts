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

export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

export function countRejection(reason: RejectionReason): void {
  const metric = metrics.singleMetric();
  metric.addDimension(rejectionReasonDimension, reason);
  metric.addMetric(metricNames.rejectedMessages, MetricUnit.Count, 1);
}

export function countIceServersOutcome(outcome: IceServersOutcome): void {
  const metric = metrics.singleMetric();
  metric.addDimension(iceServersOutcomeDimension, outcome);
  metric.addMetric(metricNames.iceServerRequests, MetricUnit.Count, 1);
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
