import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientIdentity } from '../config/aws-clients.js';
import type { Limits } from '../config/limits.js';
import type { JoinOrderStore, SubscriptionStore } from '../signaling/ports.js';
import { DynamoJoinOrder } from '../store/dynamo-join-order.js';
import { DynamoSubscriptionStore } from '../store/dynamo-subscription-store.js';
import type { HandlerSettings } from './handler-settings.js';

/**
 * What `$connect`, `$disconnect` and the cleanup function use: the table, and nothing of the
 * management API, so their bundles carry no client for it (src/handlers/message-dependencies.ts).
 */
export interface TableDependencies {
  readonly limits: Limits;
  readonly dynamoDb: DynamoDBClient;
  readonly store: SubscriptionStore;
  /** The rooms' join order, with JOIN_ORDER=room (the default); undefined with `arrival`. */
  readonly joinOrder: JoinOrderStore | undefined;
}

export function tableDependencies(settings: HandlerSettings): TableDependencies {
  const { tableName, limits, aws } = settings;
  const dynamoDb = new DynamoDBClient({
    ...(aws?.dynamoDbEndpoint ? { endpoint: aws.dynamoDbEndpoint } : {}),
    ...clientIdentity(aws),
  });
  const documents = DynamoDBDocumentClient.from(dynamoDb);
  return {
    limits,
    dynamoDb,
    store: new DynamoSubscriptionStore(documents, tableName, limits),
    joinOrder: settings.joinOrder === 'room' ? new DynamoJoinOrder(documents, tableName, limits) : undefined,
  };
}
