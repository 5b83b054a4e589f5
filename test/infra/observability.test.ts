import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { metricNames } from '../../src/handlers/observability.js';
import { iceServersOutcomes } from '../../src/config/metrics.js';
import { rejectionReasons } from '../../src/protocol/rejection.js';
import { YWebrtcSignaling } from '../../infra/y-webrtc-signaling.js';
import { logicalIdOf, render, resourcesOf, synthesize } from './synthesize.js';

interface AlarmProperties {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: { Name: string; Value: unknown }[];
  readonly Threshold: number;
  readonly Statistic: string;
  readonly AlarmActions?: unknown[];
  readonly OKActions?: unknown[];
}

/** A metric as `namespace metric dimension=value…`, dimensions sorted by name (CloudWatch does not order them). */
function metricId(namespace: string, name: string, dimensions: Record<string, string>): string {
  const pairs = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`);
  return [namespace, name, ...pairs].join(' ');
}

/** Each metric the dashboard draws, by {@link metricId}. */
function dashboardMetrics(body: unknown): string[] {
  const dashboard = JSON.parse(render(body)) as { widgets: { type: string; properties: { metrics?: unknown[][] } }[] };
  return dashboard.widgets.flatMap((widget) =>
    (widget.properties.metrics ?? []).map((metric) => {
      const parts = metric.filter((part) => typeof part === 'string') as string[];
      const [namespace, name, ...dimensions] = parts;
      const pairs: Record<string, string> = {};
      for (let i = 0; i < dimensions.length; i += 2) pairs[dimensions[i]!] = dimensions[i + 1]!;
      return metricId(namespace!, name!, pairs);
    }),
  );
}

describe('alarms', () => {
  const { template, stack } = synthesize();
  const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as unknown as AlarmProperties);
  const find = (namespace: string, metricName: string) => alarms.filter((a) => a.Namespace === namespace && a.MetricName === metricName);
  const dimension = (alarm: AlarmProperties, name: string) => render(alarm.Dimensions.find((d) => d.Name === name)?.Value);

  it('watch the dead-letter queue: one message is one too many', () => {
    const [alarm] = find('AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    expect(alarm).toMatchObject({ Threshold: 1, Statistic: 'Maximum' });
    expect(dimension(alarm!, 'QueueName')).toBe(`${logicalIdOf(stack.signaling.deadLetterQueue)}.QueueName`);
  });

  it('watch errors and throttles of every function', () => {
    for (const metricName of ['Errors', 'Throttles']) {
      const watched = find('AWS/Lambda', metricName).map((alarm) => dimension(alarm, 'FunctionName'));
      expect(watched.sort()).toEqual(Object.values(stack.signaling.functions).map((fn) => `<${logicalIdOf(fn)}>`).sort());
    }
  });

  it("watch the stream iterator age of the cleanup, the handlers' own errors and API Gateway's integration errors", () => {
    const [iteratorAge] = find('AWS/Lambda', 'IteratorAge');
    expect(iteratorAge).toMatchObject({ Threshold: 5 * 60 * 1000, Statistic: 'Maximum' });
    expect(dimension(iteratorAge!, 'FunctionName')).toBe(`<${logicalIdOf(stack.signaling.functions.cleanup)}>`);
    const [handlerErrors] = find('YWebrtcSignaling', metricNames.handlerErrors);
    expect(handlerErrors).toMatchObject({ Threshold: 5, Dimensions: [{ Name: 'service', Value: 'y-webrtc-signaling' }] });
    const [integrationErrors] = find('AWS/ApiGateway', 'IntegrationError');
    expect(integrationErrors).toMatchObject({ Threshold: 10 });
    expect(dimension(integrationErrors!, 'ApiId')).toBe(`<${logicalIdOf(stack.signaling.api)}>`);
    expect(dimension(integrationErrors!, 'Stage')).toBe('prod');
  });

  it('are all there is, and notify no one without a topic', () => {
    expect(alarms).toHaveLength(1 + 4 * 2 + 3);
    for (const alarm of alarms) expect(alarm.AlarmActions).toBeUndefined();
  });

  it('notify a given topic on ALARM and OK, with thresholds from props', () => {
    const { template } = synthesize({
      signaling: { alarmThresholds: { streamIteratorAge: Duration.minutes(1), integrationErrors: 3 } },
      alarmEmail: 'ops@example.com',
    });
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as unknown as AlarmProperties);
    const [topicId] = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'));
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
    }
    expect(alarms.find((a) => a.MetricName === 'IteratorAge')?.Threshold).toBe(60_000);
    expect(alarms.find((a) => a.MetricName === 'IntegrationError')?.Threshold).toBe(3);
  });

  it('e-mail through an encrypted topic that CloudWatch may use, when the stack gets an address', () => {
    const { template } = synthesize({ alarmEmail: 'ops@example.com' });
    const [keyId] = Object.keys(resourcesOf(template, 'AWS::KMS::Key'));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
  });

  it('can notify a topic the team already has', () => {
    const app = new App();
    const stack = new Stack(app, 'TeamStack');
    const topic = Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops');
    new YWebrtcSignaling(stack, 'Signaling', { alarmTopic: topic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic.topicArn] });
  });
});

describe('the dashboard', () => {
  const { template, stack } = synthesize();
  const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
  const metrics = dashboardMetrics(dashboard!.Properties['DashboardBody']);
  const fn = (name: keyof typeof stack.signaling.functions) => `<${logicalIdOf(stack.signaling.functions[name])}>`;

  it('is there, with the alarms on it', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = render(dashboard!.Properties['DashboardBody']);
    for (const id of Object.keys(resourcesOf(template, 'AWS::CloudWatch::Alarm'))) expect(body).toContain(`${id}.Arn`);
  });

  it('draws every metric the handlers publish, with its service dimension', () => {
    for (const name of Object.values(metricNames)) {
      if (name === metricNames.rejectedMessages || name === metricNames.iceServerRequests) continue;
      expect(metrics, name).toContain(metricId('YWebrtcSignaling', name, { service: 'y-webrtc-signaling' }));
    }
  });

  it('draws rejected messages by reason', () => {
    for (const reason of rejectionReasons) {
      expect(metrics).toContain(metricId('YWebrtcSignaling', 'RejectedMessages', { service: 'y-webrtc-signaling', reason }));
    }
  });

  it('draws ICE server requests by outcome', () => {
    for (const outcome of iceServersOutcomes) {
      expect(metrics).toContain(metricId('YWebrtcSignaling', 'IceServerRequests', { service: 'y-webrtc-signaling', outcome }));
    }
  });

  it("draws the services' own metrics: Lambda, DynamoDB, API Gateway, the stream and the dead-letter queue", () => {
    for (const name of ['connect', 'message', 'disconnect', 'cleanup'] as const) {
      for (const metric of ['Duration', 'Errors', 'Throttles', 'ConcurrentExecutions']) {
        expect(metrics).toContain(metricId('AWS/Lambda', metric, { FunctionName: fn(name) }));
      }
    }
    expect(metrics).toContain(metricId('AWS/Lambda', 'IteratorAge', { FunctionName: fn('cleanup') }));
    const TableName = `<${logicalIdOf(stack.signaling.table)}>`;
    for (const metric of ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'ReadThrottleEvents', 'WriteThrottleEvents']) {
      expect(metrics).toContain(metricId('AWS/DynamoDB', metric, { TableName }));
      expect(metrics).toContain(metricId('AWS/DynamoDB', metric, { TableName, GlobalSecondaryIndexName: 'gsi1' }));
    }
    const api = { ApiId: `<${logicalIdOf(stack.signaling.api)}>`, Stage: 'prod' };
    for (const metric of ['ConnectCount', 'MessageCount', 'IntegrationError', 'ClientError', 'ExecutionError', 'IntegrationLatency']) {
      expect(metrics).toContain(metricId('AWS/ApiGateway', metric, api));
    }
    expect(metrics).toContain(
      metricId('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: `${logicalIdOf(stack.signaling.deadLetterQueue)}.QueueName` }),
    );
  });

  it('follows the namespace and service name props', () => {
    const { template } = synthesize({ signaling: { metricsNamespace: 'Signals', serviceName: 'sig' } });
    const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboardMetrics(dashboard!.Properties['DashboardBody'])).toContain(metricId('Signals', metricNames.publishes, { service: 'sig' }));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'Signals', Dimensions: [{ Name: 'service', Value: 'sig' }] });
  });
});
