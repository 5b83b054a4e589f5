import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../store/table.js';

/** Creates the table from the shared definition unless it exists. Returns its stream ARN. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<string> {
  const existing = await describe(client, tableName);
  if (existing) {
    if (!existing.LatestStreamArn) {
      throw new Error(`table ${tableName} exists but has no stream; the cleanup needs one (${tableDefinition.streamViewType})`);
    }
    return existing.LatestStreamArn;
  }
  const { partitionKey, sortKey, reverseIndex, streamViewType, timeToLiveAttribute } = tableDefinition;
  const keyAttributes = [partitionKey, sortKey, reverseIndex.partitionKey, reverseIndex.sortKey];
  const created = await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: reverseIndex.name,
          KeySchema: [
            { AttributeName: reverseIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: reverseIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType },
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
    }),
  );
  const streamArn = created.TableDescription?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} was created without a stream`);
  return streamArn;
}

async function describe(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
