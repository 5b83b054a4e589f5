import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RejectionReason } from '../protocol/rejection.js';

/**
 * Powertools, set up once for every function. Service name, namespace and log level come
 * from POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_LOG_LEVEL.
 */
export const serviceName = process.env['POWERTOOLS_SERVICE_NAME'] ?? 'y-webrtc-signaling';
export const metricsNamespace = process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'YWebrtcSignaling';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: metricsNamespace });

/** Every metric the functions publish; docs/operations.md explains each one. */
export const metricNames = {
  connectionsOpened: 'ConnectionsOpened',
  connectionsClosed: 'ConnectionsClosed',
  connectionsUnauthorized: 'ConnectionsUnauthorized',
  connectionsForbidden: 'ConnectionsForbidden',
  subscribes: 'Subscribes',
  subscribedTopics: 'SubscribedTopics',
  unsubscribes: 'Unsubscribes',
  publishes: 'Publishes',
  receiversPerPublish: 'ReceiversPerPublish',
  deliveries: 'Deliveries',
  staleReceivers: 'StaleReceivers',
  deliveryFailures: 'DeliveryFailures',
  pings: 'PingsViaFunction',
  rejectedMessages: 'RejectedMessages',
  handlerErrors: 'HandlerErrors',
  connectionsCleanedUp: 'ConnectionsCleanedUp',
  cleanupEdgesDeleted: 'CleanupEdgesDeleted',
  connectionsReapedByTtl: 'ConnectionsReapedByTtl',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Rejections carry their reason as a dimension, so each reason is its own series. */
export function countRejection(reason: RejectionReason): void {
  const metric = metrics.singleMetric();
  metric.addDimension('reason', reason);
  metric.addMetric(metricNames.rejectedMessages, MetricUnit.Count, 1);
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
