import {
  CreateTableCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/**
 * The design this project replaces, rebuilt for comparison: one item per topic holding a
 * string set of connection ids; a disconnect scans the whole table for the connection's
 * topics and removes the id from each.
 */
export class PredecessorStore {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async createTable(): Promise<void> {
    await this.client.send(
      new CreateTableCommand({
        TableName: this.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
      }),
    );
  }

  async subscribe(connectionId: string, topic: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { name: { S: topic } },
        UpdateExpression: 'ADD receivers :connection',
        ExpressionAttributeValues: { ':connection': { SS: [connectionId] } },
      }),
    );
  }

  async disconnect(connectionId: string): Promise<number> {
    const topics: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'contains(receivers, :connection)',
          ExpressionAttributeValues: { ':connection': { S: connectionId } },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) if (item['name']?.S) topics.push(item['name'].S);
      start = page.LastEvaluatedKey;
    } while (start);
    for (const topic of topics) {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { name: { S: topic } },
          UpdateExpression: 'DELETE receivers :connection',
          ExpressionAttributeValues: { ':connection': { SS: [connectionId] } },
        }),
      );
    }
    return topics.length;
  }
}
