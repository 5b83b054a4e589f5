import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDb } from '../../src/aws/dynamodb.js';
import { defaultLimits, type Limits } from '../../src/config/limits.js';
import { ensureTable } from '../../src/local/create-table.js';
import { DynamoJoinOrder } from '../../src/store/dynamo-join-order.js';
import { DynamoSubscriptionStore } from '../../src/store/dynamo-subscription-store.js';
import { inject } from 'vitest';
import { localAwsIdentity } from '../../src/config/aws-clients.js';
import { afterThisFile, testTableName } from './cleanups.js';
import { localDynamoDbConfig } from './dynamodb.js';

export interface TestTable {
  /** An SDK client, to make the table and to read it as a bystander. */
  readonly client: DynamoDBClient;
  /** The functions' own client, which the stores use. */
  readonly dynamoDb: DynamoDb;
  readonly tableName: string;
  readonly streamArn: string;
  readonly store: DynamoSubscriptionStore;
  readonly joinOrder: DynamoJoinOrder;
}

/**
 * A fresh table, made from the shared definition, on the run's DynamoDB Local. It is deleted,
 * and its clients closed, after the test file: DynamoDB Local's TTL sweep visits every table,
 * so tables left behind slow every later file.
 */
export async function createTestTable(limits: Limits = defaultLimits): Promise<TestTable> {
  const client = new DynamoDBClient(localDynamoDbConfig());
  const tableName = testTableName();
  const streamArn = await ensureTable(client, tableName);
  const dynamoDb = new DynamoDb({ endpoint: inject('dynamodbEndpoint'), ...localAwsIdentity });
  afterThisFile(async () => {
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    client.destroy();
    dynamoDb.destroy();
  });
  return {
    client,
    dynamoDb,
    tableName,
    streamArn,
    store: new DynamoSubscriptionStore(dynamoDb, tableName, limits),
    joinOrder: new DynamoJoinOrder(dynamoDb, tableName, limits),
  };
}
