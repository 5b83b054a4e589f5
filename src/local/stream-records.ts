import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * A Streams API record in the shape Lambda hands to a function. DynamoDB Local writes its
 * TTL deletes with an event name the SDK does not know and no user identity; AWS writes
 * them as REMOVE by the DynamoDB service, so that is what the function gets here too.
 */
export function asLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const ttlDelete = isLocalTtlDelete(record);
  const userIdentity = ttlDelete
    ? { type: 'Service', principalId: 'dynamodb.amazonaws.com' }
    : record.userIdentity
      ? { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId }
      : undefined;
  return {
    eventID: record.eventID,
    eventName: ttlDelete ? 'REMOVE' : (record.eventName as DynamoDBRecord['eventName']),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    // The SDK's and aws-lambda's attribute value types are the same JSON under different names.
    dynamodb: {
      ...(data.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(data.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      Keys: data.Keys as never,
      ...(data.OldImage ? { OldImage: data.OldImage as never } : {}),
      ...(data.NewImage ? { NewImage: data.NewImage as never } : {}),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType as never,
    },
    ...(userIdentity ? { userIdentity } : {}),
  };
}

function isLocalTtlDelete(record: StreamRecord): boolean {
  const knownName = record.eventName === 'INSERT' || record.eventName === 'MODIFY' || record.eventName === 'REMOVE';
  return !knownName && record.dynamodb?.OldImage !== undefined && record.dynamodb.NewImage === undefined;
}

/**
 * Where Lambda resumes a batch whose function reported failures (ReportBatchItemFailures):
 * at the first record `batchItemFailures` names by its sequence number.
 * @returns that record's index, or -1 when none was reported
 */
export function firstReportedFailure(
  batch: readonly DynamoDBRecord[],
  batchItemFailures: readonly { readonly itemIdentifier: string }[],
): number {
  const failedIds = new Set(batchItemFailures.map((item) => item.itemIdentifier));
  return batch.findIndex((record) => failedIds.has(record.dynamodb?.SequenceNumber ?? ''));
}
