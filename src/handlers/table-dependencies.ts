import { DynamoDb } from '../aws/dynamodb.js';
import type { AwsClientSettings } from '../config/aws-clients.js';
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
  readonly dynamoDb: DynamoDb;
  readonly store: SubscriptionStore;
  /** The rooms' join order, with JOIN_ORDER=room (the default); undefined with `arrival`. */
  readonly joinOrder: JoinOrderStore | undefined;
}

export function tableDependencies(settings: HandlerSettings): TableDependencies {
  const { tableName, limits, aws } = settings;
  const dynamoDb = dynamoDbClient(aws);
  return {
    limits,
    dynamoDb,
    store: new DynamoSubscriptionStore(dynamoDb, tableName, limits),
    joinOrder: settings.joinOrder === 'room' ? new DynamoJoinOrder(dynamoDb, tableName, limits) : undefined,
  };
}

/** The functions' DynamoDB client: the region's endpoint, or DynamoDB Local's. */
export function dynamoDbClient(aws: AwsClientSettings): DynamoDb {
  return new DynamoDb({ region: aws.region, credentials: aws.credentials, ...(aws.dynamoDbEndpoint ? { endpoint: aws.dynamoDbEndpoint } : {}) });
}
