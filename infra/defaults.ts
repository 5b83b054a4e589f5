import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { TableEncryptionV2 } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { defaultJoinOrder } from '../src/config/join-order.js';
import { defaultLimits } from '../src/config/limits.js';
import { defaultSignalDelivery } from '../src/config/signal-delivery.js';
import { defaultMetricsNamespace, defaultServiceName } from '../src/config/metrics.js';
import type { AlarmThresholds, CleanupSourceProps, YWebrtcSignalingProps } from './y-webrtc-signaling-props.js';

/**
 * Every default of the construct's props, in one place; the props' `@default` tags name
 * the same values. The handlers' own defaults (limits, join order, metric names) live in
 * src/config and are used from there.
 */
export const signalingDefaults = {
  stageName: 'prod',
  throttle: { rateLimit: 1000, burstLimit: 500 },
  serviceName: defaultServiceName,
  metricsNamespace: defaultMetricsNamespace,
  logLevel: 'INFO',
  logRetention: RetentionDays.ONE_MONTH,
  memorySize: { connect: 256, message: 512, disconnect: 256, cleanup: 256 },
  sourceMapStackTraces: true,
  accessLogs: true,
  createApiGatewayLogsRole: false,
  joinOrder: defaultJoinOrder,
  signalDelivery: defaultSignalDelivery,
  limits: defaultLimits,
  removalPolicy: RemovalPolicy.RETAIN,
  deletionProtection: true,
  pointInTimeRecovery: true,
  tableEncryption: TableEncryptionV2.dynamoOwnedKey(),
} as const satisfies Partial<YWebrtcSignalingProps>;

export const cleanupDefaults = {
  batchSize: 50,
  retryAttempts: 10,
  maxRecordAge: Duration.hours(6),
} as const satisfies Required<CleanupSourceProps>;

export const alarmThresholdDefaults = {
  functionErrors: 1,
  functionThrottles: 1,
  handlerErrors: 5,
  integrationErrors: 10,
  streamIteratorAge: Duration.minutes(5),
} as const satisfies Required<AlarmThresholds>;
