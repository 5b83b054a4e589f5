import { localLambdaMetric } from '../../config/dashboard-panels.js';

/**
 * Lambda's own metrics (namespace AWS/Lambda), as the local runtime records them for the
 * functions it runs from their bundles. (Init Duration, which Lambda writes only in a cold
 * start's REPORT line, is `localMetricNames.initDuration`.)
 */
export const lambdaMetricNames = ['Invocations', 'Duration', 'Errors', 'Throttles', 'ConcurrentExecutions'] as const;
export type LambdaMetricName = (typeof lambdaMetricNames)[number];

/** The name a Lambda metric has in the local MetricStore. */
export const lambdaMetric = (name: LambdaMetricName): string => localLambdaMetric(name);
