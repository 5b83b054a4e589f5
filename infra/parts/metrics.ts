import { Duration } from 'aws-cdk-lib';
import { Metric, Stats, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { MetricName } from '../../src/config/metrics.js';

/** The CloudWatch identity of the metrics the handlers publish through Powertools (EMF). */
export interface CustomMetricSource {
  readonly namespace: string;
  readonly serviceName: string;
}

const fiveMinutes = Duration.minutes(5);

/** A metric of src/config/metrics.ts. Powertools adds the `service` dimension to each. */
export function customMetric(source: CustomMetricSource, name: MetricName, options: MetricOptions = {}): Metric {
  return new Metric({
    namespace: source.namespace,
    metricName: name,
    dimensionsMap: { service: source.serviceName },
    statistic: Stats.SUM,
    period: fiveMinutes,
    ...options,
  });
}

/** One series of a metric published with a dimension beside `service` (`RejectedMessages` by `reason`, `IceServerRequests` by `outcome`). */
export function splitMetric(source: CustomMetricSource, name: MetricName, dimension: string, value: string): Metric {
  return new Metric({
    namespace: source.namespace,
    metricName: name,
    dimensionsMap: { service: source.serviceName, [dimension]: value },
    statistic: Stats.SUM,
    period: fiveMinutes,
    label: value,
  });
}

/** An AWS/ApiGateway metric of one WebSocket API stage. */
export function apiGatewayMetric(api: IWebSocketApi, stageName: string, metricName: string, options: MetricOptions = {}): Metric {
  return new Metric({
    namespace: 'AWS/ApiGateway',
    metricName,
    dimensionsMap: { ApiId: api.apiId, Stage: stageName },
    statistic: Stats.SUM,
    period: fiveMinutes,
    ...options,
  });
}
