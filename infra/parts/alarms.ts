import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { metricNames } from '../../src/config/metrics.js';
import type { AlarmThresholds } from '../y-webrtc-signaling-props.js';
import type { SignalingFunctionName } from './function-names.js';
import { apiGatewayMetric, customMetric, type CustomMetricSource } from './metrics.js';

export interface AlarmSources {
  readonly functions: Readonly<Record<SignalingFunctionName, IFunction>>;
  readonly deadLetterQueue: IQueue;
  readonly api: IWebSocketApi;
  readonly stageName: string;
  readonly customMetrics: CustomMetricSource;
  readonly thresholds: AlarmThresholds;
  readonly topic?: ITopic;
}

/** What runbook section of docs/operations.md each alarm points to. */
const runbook = (anchor: string) => `Runbook: docs/operations.md#${anchor}`;

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The alarms of docs/operations.md, each notifying the topic (when there is one) on ALARM and OK. */
export function createAlarms(scope: Construct, sources: AlarmSources): Alarm[] {
  const { thresholds } = sources;
  const alarms: Alarm[] = [];
  const add = (id: string, metric: IMetric, threshold: number, description: string) => {
    const alarm = new Alarm(scope, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (sources.topic) {
      alarm.addAlarmAction(new SnsAction(sources.topic));
      alarm.addOkAction(new SnsAction(sources.topic));
    }
    alarms.push(alarm);
  };

  add(
    'CleanupDeadLetterQueueNotEmpty',
    sources.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: Duration.minutes(5) }),
    1,
    `Stream records the cleanup gave up on are waiting in the dead-letter queue. ${runbook('dead-letter-queue-not-empty')}`,
  );
  for (const [name, fn] of Object.entries(sources.functions) as [SignalingFunctionName, IFunction][]) {
    add(
      `${pascal(name)}FunctionErrors`,
      fn.metricErrors({ period: Duration.minutes(5) }),
      thresholds.functionErrors,
      `The ${name} function failed (timeout, crash or an error it did not handle). ${runbook('function-errors')}`,
    );
    add(
      `${pascal(name)}FunctionThrottles`,
      fn.metricThrottles({ period: Duration.minutes(5) }),
      thresholds.functionThrottles,
      `Lambda throttled the ${name} function: account or reserved concurrency exhausted. ${runbook('function-throttles')}`,
    );
  }
  add(
    'HandlerErrors',
    customMetric(sources.customMetrics, metricNames.handlerErrors),
    thresholds.handlerErrors,
    `Handlers caught errors (usually DynamoDB) and answered 500. ${runbook('handler-errors')}`,
  );
  add(
    'StreamIteratorAge',
    sources.functions.cleanup.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: Duration.minutes(5) }),
    thresholds.streamIteratorAge.toMilliseconds(),
    `The cleanup falls behind the table's stream. ${runbook('stream-iterator-age')}`,
  );
  add(
    'IntegrationErrors',
    apiGatewayMetric(sources.api, sources.stageName, 'IntegrationError'),
    thresholds.integrationErrors,
    `API Gateway could not get an answer from the functions. ${runbook('integration-errors')}`,
  );
  return alarms;
}
