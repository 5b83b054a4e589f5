import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';
import { cleanUpConnection } from '../signaling/clean-up-connection.js';
import type { SubscriptionStore } from '../signaling/ports.js';
import { entityNameAttribute, entityNames } from '../store/table.js';
import type { TableDependencies } from './table-dependencies.js';
import { count, invocationLogger, metricNames, publishMetrics } from './observability.js';

/**
 * The table's stream, filtered to removed connection items: whether `$disconnect` deleted
 * the item, a publish found the connection gone (410), or TTL expired it, the connection's
 * subscriptions are deleted here. A record that fails is reported back, so only it is retried.
 */
export function cleanupHandler({ store }: Pick<TableDependencies, 'store'>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const cleanUpRecord = (record: DynamoDBRecord) => cleanUpRecordOf(store, record);
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    try {
      return await processPartialResponse(event, cleanUpRecord, processor, { context });
    } finally {
      publishMetrics();
    }
  };
}

async function cleanUpRecordOf(store: SubscriptionStore, record: DynamoDBRecord): Promise<void> {
  const old = record.dynamodb?.OldImage;
  const connectionId = old?.['connectionId']?.S;
  if (record.eventName !== 'REMOVE' || old?.[entityNameAttribute]?.S !== entityNames.connection || !connectionId) {
    return;
  }
  const log = invocationLogger({ connectionId, requestId: record.eventID });
  const reapedByTtl = isTimeToLiveDelete(record);
  const deleted = await cleanUpConnection(store, connectionId);
  count(metricNames.connectionsCleanedUp);
  count(metricNames.cleanupEdgesDeleted, deleted);
  if (reapedByTtl) count(metricNames.connectionsReapedByTtl);
  log.debug('connection cleaned up', { subscriptionsDeleted: deleted, reapedByTtl });
}

/** DynamoDB marks the deletes its TTL process makes with this service identity. */
function isTimeToLiveDelete(record: DynamoDBRecord): boolean {
  return record.userIdentity?.type === 'Service' && record.userIdentity?.principalId === 'dynamodb.amazonaws.com';
}
