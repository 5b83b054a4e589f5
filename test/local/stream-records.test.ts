import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { asLambdaRecord, firstReportedFailure } from '../../src/local/stream-records.js';

describe('asLambdaRecord', () => {
  const oldImage = { connectionId: { S: 'c1' }, __edb_e__: { S: 'connection' } };

  it('presents DynamoDB Local’s TTL delete as AWS does: REMOVE by the DynamoDB service', () => {
    const record = asLambdaRecord(
      { eventID: '1', eventName: 'UNKNOWN_TO_SDK_VERSION' as never, dynamodb: { Keys: {}, OldImage: oldImage, SequenceNumber: '7' } },
      'arn:stream',
    );
    expect(record.eventName).toBe('REMOVE');
    expect(record.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    expect(record.eventSourceARN).toBe('arn:stream');
  });

  it('leaves an ordinary delete without a user identity', () => {
    const record = asLambdaRecord({ eventID: '2', eventName: 'REMOVE', dynamodb: { Keys: {}, OldImage: oldImage } }, 'arn:stream');
    expect(record.eventName).toBe('REMOVE');
    expect(record.userIdentity).toBeUndefined();
  });

  it('has Lambda’s fields: epoch seconds, the source, the images it was given', () => {
    const record = asLambdaRecord(
      {
        eventID: '3',
        eventName: 'INSERT',
        awsRegion: 'eu-west-1',
        userIdentity: { Type: 'Service', PrincipalId: 'someone' },
        dynamodb: {
          ApproximateCreationDateTime: new Date(1_700_000_000_900),
          Keys: { pk: { S: 'c#1' } },
          NewImage: oldImage,
          SequenceNumber: '9',
          SizeBytes: 42,
          StreamViewType: 'OLD_IMAGE',
        },
      },
      'arn:stream',
    );
    expect(record).toEqual({
      eventID: '3',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: 'arn:stream',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000,
        Keys: { pk: { S: 'c#1' } },
        NewImage: oldImage,
        SequenceNumber: '9',
        SizeBytes: 42,
        StreamViewType: 'OLD_IMAGE',
      },
      userIdentity: { type: 'Service', principalId: 'someone' },
    });
  });
});

describe('firstReportedFailure', () => {
  const batch = ['1', '2', '3'].map((sequence): DynamoDBRecord => ({ dynamodb: { SequenceNumber: sequence } }));

  it('finds the first record named in batchItemFailures, in batch order', () => {
    expect(firstReportedFailure(batch, [{ itemIdentifier: '3' }, { itemIdentifier: '2' }])).toBe(1);
  });

  it('is -1 when nothing was reported', () => {
    expect(firstReportedFailure(batch, [])).toBe(-1);
  });
});
