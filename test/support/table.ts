import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaultLimits, type Limits } from '../../src/config/limits.js';
import { ensureTable } from '../../src/local/create-table.js';
import { DynamoJoinOrder } from '../../src/store/dynamo-join-order.js';
import { DynamoSubscriptionStore } from '../../src/store/dynamo-subscription-store.js';
import { localDynamoDbConfig } from './dynamodb.js';

export interface TestTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly streamArn: string;
  readonly store: DynamoSubscriptionStore;
  readonly joinOrder: DynamoJoinOrder;
}

/** A fresh table, made from the shared definition, on the run's DynamoDB Local. */
export async function createTestTable(limits: Limits = defaultLimits): Promise<TestTable> {
  const client = new DynamoDBClient(localDynamoDbConfig());
  const tableName = `test-${randomUUID()}`;
  const streamArn = await ensureTable(client, tableName);
  const documents = DynamoDBDocumentClient.from(client);
  return {
    client,
    tableName,
    streamArn,
    store: new DynamoSubscriptionStore(documents, tableName, limits),
    joinOrder: new DynamoJoinOrder(documents, tableName, limits),
  };
}
