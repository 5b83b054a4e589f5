import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  Metric,
  Stats,
  TextWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { dashboardRows, type Panel, type Series, type Statistic } from '../../src/config/dashboard-panels.js';
import { iceServersOutcomes } from '../../src/config/metrics.js';
import { rejectionReasons } from '../../src/protocol/rejection.js';
import { tableDefinition } from '../../src/store/table.js';
import type { SignalingFunctionName } from './function-names.js';
import { apiGatewayMetric, customMetric, splitMetric, type CustomMetricSource } from './metrics.js';

export interface DashboardSources {
  readonly dashboardName?: string;
  readonly functions: Readonly<Record<SignalingFunctionName, IFunction>>;
  readonly table: ITableV2;
  readonly deadLetterQueue: IQueue;
  readonly api: IWebSocketApi;
  readonly stageName: string;
  readonly customMetrics: CustomMetricSource;
  readonly alarms: readonly IAlarm[];
}

const period = Duration.minutes(5);

/** The values of each dimension a panel splits a handler metric by. */
const splitValues = { reason: rejectionReasons, outcome: iceServersOutcomes } as const;

/** The shared panels' statistic names, as CloudWatch spells them. */
const statistics: Readonly<Record<Statistic, string>> = {
  Sum: Stats.SUM,
  Average: Stats.AVERAGE,
  Maximum: Stats.MAXIMUM,
  p50: Stats.p(50),
  p99: Stats.p(99),
};

/**
 * One dashboard: the panels of src/config/dashboard-panels.ts (the same `npm start` draws at
 * /dashboard), under a header and the alarms. docs/operations.md reads it.
 */
export function createDashboard(scope: Construct, sources: DashboardSources): Dashboard {
  const metricsOf = (series: Series): IMetric[] => {
    const statistic = statistics[series.statistic ?? 'Sum'];
    if (series.from === 'local') return [];
    if (series.from === 'handlers') {
      if (series.split) return splitValues[series.split].map((value) => splitMetric(sources.customMetrics, series.metric, series.split!, value));
      return [customMetric(sources.customMetrics, series.metric, { statistic, label: series.label })];
    }
    const label = series.label ?? series.metric;
    switch (series.source) {
      case 'apiGateway':
        return [apiGatewayMetric(sources.api, sources.stageName, series.metric, { statistic, label: `${series.metric}${series.statistic && series.statistic !== 'Sum' ? ` ${series.statistic}` : ''}` })];
      case 'eachFunction':
        return (Object.entries(sources.functions) as [SignalingFunctionName, IFunction][]).map(([name, fn]) =>
          fn.metric(series.metric, { statistic, period, label: series.label ? `${name} ${series.label}` : name }),
        );
      case 'cleanupFunction':
        return [sources.functions.cleanup.metric(series.metric, { statistic, period, label })];
      case 'deadLetterQueue':
        return [sources.deadLetterQueue.metric(series.metric, { statistic, period, label })];
      case 'table':
      case 'reverseIndex': {
        const index = series.source === 'reverseIndex' ? tableDefinition.reverseIndex.name : undefined;
        return [
          new Metric({
            namespace: 'AWS/DynamoDB',
            metricName: series.metric,
            dimensionsMap: { TableName: sources.table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
            statistic,
            period,
            label: index ? `${series.metric} (${index})` : series.metric,
          }),
        ];
      }
    }
  };
  const widget = (panel: Panel): GraphWidget =>
    new GraphWidget({ title: panel.title, left: panel.series.flatMap(metricsOf), width: panel.width ?? 8, height: 6, period });

  const rows: IWidget[][] = [
    [new TextWidget({ markdown: '## y-webrtc signaling\nCustom metrics from the handlers, then Lambda, DynamoDB, API Gateway. See docs/operations.md.', width: 24, height: 2 })],
    [new AlarmStatusWidget({ title: 'Alarms', alarms: [...sources.alarms], width: 24, height: 3 })],
    ...dashboardRows.map((row) => row.map(widget)),
  ];
  return new Dashboard(scope, 'Dashboard', { dashboardName: sources.dashboardName, widgets: rows });
}
