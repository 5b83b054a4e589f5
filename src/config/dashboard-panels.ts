import { metricNames, type MetricName } from './metrics.js';

/**
 * The dashboard's panels, once: the CDK construct draws them on CloudWatch and `npm start`
 * draws them at /dashboard, so the two cannot drift. No side effects, like metrics.ts.
 *
 * A panel is a list of series. Each series says where its numbers come from:
 * - `handlers`: a metric the handlers emit (EMF); both dashboards draw it.
 * - `aws`: what an AWS service reports (Lambda, API Gateway, DynamoDB, SQS); CloudWatch draws
 *   it, and the local page says "on AWS only" instead of making a number up.
 * - `local`: what only the local runtime measures; only the local page has it.
 */
export type Statistic = 'Sum' | 'Average' | 'Maximum' | 'p50' | 'p99';

/**
 * The name a Lambda metric (namespace AWS/Lambda) has in the local runtime's store, apart
 * from the handlers' EMF names: in bundles mode the runtime records what Lambda would, by
 * `FunctionName`, and the local page draws the `aws` Lambda series from it.
 */
export function localLambdaMetric(metric: string): string {
  return `AWS/Lambda ${metric}`;
}

/** Metrics only the local runtime records (not EMF, not on AWS). */
export const localMetricNames = {
  /** Lambda writes it only in a cold start's REPORT line; bundles mode only. */
  initDuration: localLambdaMetric('InitDuration'),
  handlerDuration: 'HandlerDuration',
  dynamoDbRequests: 'DynamoDbRequests',
  dynamoDbCapacityUnits: 'DynamoDbCapacityUnits',
  streamPollerLag: 'StreamPollerLag',
  framesWaiting: 'FramesWaiting',
} as const;
export type LocalMetricName = (typeof localMetricNames)[keyof typeof localMetricNames];

/** Where an AWS metric is read: the construct knows each resource. */
export type AwsSource = 'apiGateway' | 'eachFunction' | 'cleanupFunction' | 'table' | 'reverseIndex' | 'deadLetterQueue';

export type Series =
  | {
      readonly from: 'handlers';
      readonly metric: MetricName;
      readonly label: string;
      readonly statistic?: Statistic;
      /** One line per value of this dimension (`RejectedMessages` by `reason`, `IceServerRequests` by `outcome`). */
      readonly split?: 'reason' | 'outcome';
    }
  | { readonly from: 'aws'; readonly source: AwsSource; readonly metric: string; readonly label?: string; readonly statistic?: Statistic }
  | {
      readonly from: 'local';
      readonly metric: LocalMetricName;
      readonly label: string;
      readonly statistic?: Statistic;
      /** One line per value of this dimension, as recorded. */
      readonly split?: 'function' | 'operation' | 'FunctionName';
    };

export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
  /** Of the 24 columns of a CloudWatch dashboard row. @default 8 */
  readonly width?: number;
}

const handlers = (metric: MetricName, label: string, statistic?: Statistic): Series => ({
  from: 'handlers',
  metric,
  label,
  ...(statistic ? { statistic } : {}),
});
const aws = (source: AwsSource, metric: string, statistic?: Statistic, label?: string): Series => ({
  from: 'aws',
  source,
  metric,
  ...(statistic ? { statistic } : {}),
  ...(label ? { label } : {}),
});

/** Both dashboards, row by row. */
export const dashboardRows: readonly (readonly Panel[])[] = [
  [
    {
      title: 'Connections',
      series: [
        handlers(metricNames.connectionsOpened, 'opened'),
        handlers(metricNames.connectionsClosed, 'closed'),
        aws('apiGateway', 'ConnectCount'),
      ],
    },
    {
      title: 'Subscribes and publishes',
      series: [
        handlers(metricNames.subscribes, 'subscribes'),
        handlers(metricNames.subscribedTopics, 'topics subscribed'),
        handlers(metricNames.unsubscribes, 'unsubscribes'),
        handlers(metricNames.publishes, 'publishes'),
      ],
    },
    {
      title: 'Receivers per publish',
      series: [
        handlers(metricNames.receiversPerPublish, 'average', 'Average'),
        handlers(metricNames.receiversPerPublish, 'maximum', 'Maximum'),
      ],
    },
  ],
  [
    {
      title: 'Deliveries',
      series: [
        handlers(metricNames.deliveries, 'delivered'),
        handlers(metricNames.staleReceivers, 'stale receivers (410)'),
        handlers(metricNames.deliveryFailures, 'failed'),
        handlers(metricNames.directedSignals, 'signals sent to their peer only'),
        handlers(metricNames.sharedPeerIds, 'signals to a peer id claimed twice'),
      ],
    },
    { title: 'Rejected messages by reason', series: [{ from: 'handlers', metric: metricNames.rejectedMessages, label: 'rejected', split: 'reason' }] },
    {
      title: 'Cleanup',
      series: [
        handlers(metricNames.connectionsCleanedUp, 'connections cleaned up'),
        handlers(metricNames.cleanupEdgesDeleted, 'edges cleaned'),
        handlers(metricNames.connectionsReapedByTtl, 'TTL reaped'),
      ],
    },
  ],
  [
    {
      title: 'Handler errors and pings that reached a function',
      series: [handlers(metricNames.handlerErrors, 'handler errors'), handlers(metricNames.pings, 'pings via function')],
      width: 6,
    },
    {
      title: 'Connections refused on $connect',
      series: [
        handlers(metricNames.connectionsUnauthorized, 'unauthorized (401)'),
        handlers(metricNames.connectionsForbidden, 'forbidden origin (403)'),
      ],
      width: 6,
    },
    { title: 'ICE server requests by outcome', series: [{ from: 'handlers', metric: metricNames.iceServerRequests, label: 'requests', split: 'outcome' }], width: 6 },
    { title: 'Stream iterator age (cleanup)', series: [aws('cleanupFunction', 'IteratorAge', 'Maximum', 'max ms')], width: 6 },
  ],
  [
    { title: 'Lambda invocations', series: [aws('eachFunction', 'Invocations')], width: 6 },
    { title: 'Lambda duration (ms)', series: [aws('eachFunction', 'Duration', 'p50', 'p50'), aws('eachFunction', 'Duration', 'p99', 'p99')], width: 6 },
    { title: 'Lambda errors', series: [aws('eachFunction', 'Errors')], width: 6 },
    { title: 'Lambda throttles', series: [aws('eachFunction', 'Throttles')], width: 6 },
  ],
  [
    { title: 'Lambda concurrency (max)', series: [aws('eachFunction', 'ConcurrentExecutions', 'Maximum')], width: 6 },
    { title: 'Cleanup dead-letter queue', series: [aws('deadLetterQueue', 'ApproximateNumberOfMessagesVisible', 'Maximum', 'messages')], width: 6 },
    {
      title: 'DynamoDB consumed capacity',
      series: [
        aws('table', 'ConsumedReadCapacityUnits'),
        aws('table', 'ConsumedWriteCapacityUnits'),
        aws('reverseIndex', 'ConsumedReadCapacityUnits'),
        aws('reverseIndex', 'ConsumedWriteCapacityUnits'),
      ],
      width: 6,
    },
    {
      title: 'DynamoDB throttles',
      series: [
        aws('table', 'ReadThrottleEvents'),
        aws('table', 'WriteThrottleEvents'),
        aws('reverseIndex', 'ReadThrottleEvents'),
        aws('reverseIndex', 'WriteThrottleEvents'),
      ],
      width: 6,
    },
  ],
  [
    { title: 'API Gateway connections and messages', series: [aws('apiGateway', 'ConnectCount'), aws('apiGateway', 'MessageCount')] },
    {
      title: 'API Gateway errors',
      series: [aws('apiGateway', 'IntegrationError'), aws('apiGateway', 'ClientError'), aws('apiGateway', 'ExecutionError')],
    },
    {
      title: 'API Gateway integration latency (ms)',
      series: [aws('apiGateway', 'IntegrationLatency', 'p99'), aws('apiGateway', 'IntegrationLatency', 'p50')],
    },
  ],
];

/** What only the local runtime knows, drawn after the shared rows on its page. */
export const localPanels: readonly Panel[] = [
  {
    title: 'Lambda Init Duration (ms), cold starts of the bundles',
    series: [
      { from: 'local', metric: localMetricNames.initDuration, label: 'p50', statistic: 'p50', split: 'FunctionName' },
      { from: 'local', metric: localMetricNames.initDuration, label: 'p99', statistic: 'p99', split: 'FunctionName' },
    ],
  },
  {
    title: 'Handler duration (ms)',
    series: [
      { from: 'local', metric: localMetricNames.handlerDuration, label: 'p50', statistic: 'p50', split: 'function' },
      { from: 'local', metric: localMetricNames.handlerDuration, label: 'p99', statistic: 'p99', split: 'function' },
    ],
  },
  {
    title: 'DynamoDB requests by operation',
    series: [{ from: 'local', metric: localMetricNames.dynamoDbRequests, label: 'requests', split: 'operation' }],
  },
  {
    title: 'DynamoDB capacity units by operation (estimated)',
    series: [{ from: 'local', metric: localMetricNames.dynamoDbCapacityUnits, label: 'units', split: 'operation' }],
  },
  {
    title: 'Stream poller lag (ms)',
    series: [
      { from: 'local', metric: localMetricNames.streamPollerLag, label: 'from a connection delete to its cleanup, max', statistic: 'Maximum' },
      { from: 'local', metric: localMetricNames.streamPollerLag, label: 'p50', statistic: 'p50' },
    ],
  },
  {
    title: 'Frames waiting per connection',
    series: [
      { from: 'local', metric: localMetricNames.framesWaiting, label: 'most on one connection', statistic: 'Maximum' },
      { from: 'local', metric: localMetricNames.framesWaiting, label: 'average over connections with any', statistic: 'Average' },
    ],
  },
];

/** Every series of the shared rows. */
export function sharedSeries(): Series[] {
  return dashboardRows.flat().flatMap((panel) => [...panel.series]);
}
