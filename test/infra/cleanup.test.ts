import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { matchesFilter, type FilterPattern } from '../../src/local/event-filter.js';
import { connectionRemovedFilterPattern, entityNameAttribute } from '../../src/store/table.js';
import { logicalIdOf, resourcesOf, synthesize } from './synthesize.js';

describe('the cleanup event source', () => {
  const { template, stack } = synthesize();
  const [mapping] = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
  const queueId = logicalIdOf(stack.signaling.deadLetterQueue);

  it("reads the table's stream into the cleanup function", () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    expect(mapping!.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.signaling.table), 'StreamArn'] },
      FunctionName: { Ref: logicalIdOf(stack.signaling.functions.cleanup) },
      StartingPosition: 'TRIM_HORIZON',
    });
  });

  it('lets only removed connection items through, by the pattern the local stream poller applies', () => {
    const filters = (mapping!.Properties['FilterCriteria'] as { Filters: { Pattern: string }[] }).Filters;
    expect(filters).toHaveLength(1);
    const pattern = JSON.parse(filters[0]!.Pattern) as FilterPattern;
    expect(pattern).toEqual(connectionRemovedFilterPattern);
    // Only fields inside `dynamodb`: AWS pages disagree on filtering top-level keys.
    expect(Object.keys(pattern)).toEqual(['dynamodb']);
    const removed = (entity: string) => ({
      eventName: 'REMOVE',
      dynamodb: { OldImage: { [entityNameAttribute]: { S: entity }, connectionId: { S: 'abc=' } } },
    });
    expect(matchesFilter(removed('connection'), pattern)).toBe(true);
    expect(matchesFilter(removed('subscription'), pattern)).toBe(false);
    expect(matchesFilter({ eventName: 'INSERT', dynamodb: { NewImage: { [entityNameAttribute]: { S: 'connection' } } } }, pattern)).toBe(false);
  });

  it('retries failed records alone, then gives up on them into the dead-letter queue', () => {
    expect(mapping!.Properties).toMatchObject({
      BatchSize: 50,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 6 * 60 * 60,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('has an encrypted dead-letter queue that refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 60 * 60 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('takes batch size, retries and maximum record age as props', () => {
    const { template } = synthesize({ signaling: { cleanup: { batchSize: 10, retryAttempts: 3, maxRecordAge: Duration.hours(1) } } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
    });
  });
});
