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
import { metricNames, type MetricName } from '../../src/config/metrics.js';
import { rejectionReasons } from '../../src/protocol/rejection.js';
import { tableDefinition } from '../../src/store/table.js';
import type { SignalingFunctionName } from './function-names.js';
import { apiGatewayMetric, customMetric, rejectedMessagesMetric, type CustomMetricSource } from './metrics.js';

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

function graph(title: string, left: IMetric[], width = 8, right: IMetric[] = []): GraphWidget {
  return new GraphWidget({ title, left, right, width, height: 6, period });
}

/**
 * One dashboard: what the handlers count (src/config/metrics.ts) beside what Lambda,
 * DynamoDB, API Gateway and SQS report about the same minutes. docs/operations.md reads it.
 */
export function createDashboard(scope: Construct, sources: DashboardSources): Dashboard {
  const placed = new Set<MetricName>([metricNames.rejectedMessages]);
  const custom = (name: MetricName, label?: string, statistic: string = Stats.SUM) => {
    placed.add(name);
    return customMetric(sources.customMetrics, name, { statistic, ...(label ? { label } : {}) });
  };
  const api = (name: string, statistic: string = Stats.SUM) => apiGatewayMetric(sources.api, sources.stageName, name, { statistic });
  const perFunction = (metricName: string, statistic: string) =>
    (Object.entries(sources.functions) as [SignalingFunctionName, IFunction][]).map(([name, fn]) =>
      fn.metric(metricName, { statistic, period, label: name }),
    );
  const table = (metricName: string, statistic: string = Stats.SUM, index?: string) =>
    new Metric({
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensionsMap: { TableName: sources.table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
      statistic,
      period,
      label: index ? `${metricName} (${index})` : metricName,
    });
  const reverseIndex = tableDefinition.reverseIndex.name;

  const rows: IWidget[][] = [
    [new TextWidget({ markdown: '## y-webrtc signaling\nCustom metrics from the handlers, then Lambda, DynamoDB, API Gateway. See docs/operations.md.', width: 24, height: 2 })],
    [new AlarmStatusWidget({ title: 'Alarms', alarms: [...sources.alarms], width: 24, height: 3 })],
    [
      graph('Connections', [custom(metricNames.connectionsOpened, 'opened'), custom(metricNames.connectionsClosed, 'closed'), api('ConnectCount')]),
      graph('Subscribes and publishes', [
        custom(metricNames.subscribes, 'subscribes'),
        custom(metricNames.subscribedTopics, 'topics subscribed'),
        custom(metricNames.unsubscribes, 'unsubscribes'),
        custom(metricNames.publishes, 'publishes'),
      ]),
      graph('Receivers per publish', [
        custom(metricNames.receiversPerPublish, 'average', Stats.AVERAGE),
        custom(metricNames.receiversPerPublish, 'maximum', Stats.MAXIMUM),
      ]),
    ],
    [
      graph('Deliveries', [
        custom(metricNames.deliveries, 'delivered'),
        custom(metricNames.staleReceivers, 'stale receivers (410)'),
        custom(metricNames.deliveryFailures, 'failed'),
        custom(metricNames.directedSignals, 'signals sent to their peer only'),
        custom(metricNames.sharedPeerIds, 'signals to a peer id claimed twice'),
      ]),
      graph('Rejected messages by reason', rejectionReasons.map((reason) => rejectedMessagesMetric(sources.customMetrics, reason))),
      graph('Cleanup', [
        custom(metricNames.connectionsCleanedUp, 'connections cleaned up'),
        custom(metricNames.cleanupEdgesDeleted, 'edges cleaned'),
        custom(metricNames.connectionsReapedByTtl, 'TTL reaped'),
      ]),
    ],
    [
      graph('Handler errors and pings that reached a function', [
        custom(metricNames.handlerErrors, 'handler errors'),
        custom(metricNames.pings, 'pings via function'),
      ]),
      graph('Stream iterator age (cleanup)', [sources.functions.cleanup.metric('IteratorAge', { statistic: Stats.MAXIMUM, period, label: 'max ms' })]),
      graph('Cleanup dead-letter queue', [
        sources.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period, label: 'messages' }),
      ]),
    ],
    [
      graph('Lambda duration p99 (ms)', perFunction('Duration', Stats.p(99)), 6),
      graph('Lambda errors', perFunction('Errors', Stats.SUM), 6),
      graph('Lambda throttles', perFunction('Throttles', Stats.SUM), 6),
      graph('Lambda concurrency (max)', perFunction('ConcurrentExecutions', Stats.MAXIMUM), 6),
    ],
    [
      graph('DynamoDB consumed capacity', [
        table('ConsumedReadCapacityUnits'),
        table('ConsumedWriteCapacityUnits'),
        table('ConsumedReadCapacityUnits', Stats.SUM, reverseIndex),
        table('ConsumedWriteCapacityUnits', Stats.SUM, reverseIndex),
      ], 12),
      graph('DynamoDB throttles', [
        table('ReadThrottleEvents'),
        table('WriteThrottleEvents'),
        table('ReadThrottleEvents', Stats.SUM, reverseIndex),
        table('WriteThrottleEvents', Stats.SUM, reverseIndex),
      ], 12),
    ],
    [
      graph('API Gateway connections and messages', [api('ConnectCount'), api('MessageCount')]),
      graph('API Gateway errors', [api('IntegrationError'), api('ClientError'), api('ExecutionError')]),
      graph('API Gateway integration latency (ms)', [api('IntegrationLatency', Stats.p(99)), api('IntegrationLatency', Stats.p(50))]),
    ],
  ];
  // A metric the handlers gained after this layout was drawn still shows up.
  const unplaced = Object.values(metricNames).filter((name) => !placed.has(name));
  if (unplaced.length > 0) rows.splice(5, 0, [graph('More handler metrics', unplaced.map((name) => custom(name, name)), 24)]);
  return new Dashboard(scope, 'Dashboard', { dashboardName: sources.dashboardName, widgets: rows });
}
