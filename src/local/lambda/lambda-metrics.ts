/**
 * Lambda's own metrics (namespace AWS/Lambda), as the local runtime records them for the
 * functions it runs from their bundles; `InitDuration` is what Lambda writes only in the
 * REPORT line of a cold start.
 */
export const lambdaMetricNames = ['Invocations', 'Duration', 'Errors', 'Throttles', 'ConcurrentExecutions', 'InitDuration'] as const;
export type LambdaMetricName = (typeof lambdaMetricNames)[number];

/** The name a Lambda metric has in the local MetricStore: apart from the handlers' EMF names. */
export function lambdaMetric(name: LambdaMetricName): string {
  return `AWS/Lambda ${name}`;
}
