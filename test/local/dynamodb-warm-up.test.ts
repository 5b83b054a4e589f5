import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { defaultLimits } from '../../src/config/limits.js';
import { warmUpDynamoDb } from '../../src/local/dynamodb-warm-up.js';
import { localClientIdentity, localDynamoDbConfig } from '../support/dynamodb.js';

describe('the DynamoDB Local warm-up', () => {
  it('runs the store’s joins, publishes and leaves on a scratch table for its time, then deletes the table', async () => {
    const client = new DynamoDBClient(localDynamoDbConfig());
    const tableName = `warm-up-test-${Date.now()}`;
    const tables = async () => (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    try {
      const started = Date.now();
      const rounds = await warmUpDynamoDb(
        { tableName, limits: defaultLimits, joinOrder: 'room', signalDelivery: 'peer', aws: { dynamoDbEndpoint: inject('dynamodbEndpoint'), ...localClientIdentity } },
        { durationMs: 500, concurrency: 2 },
      );
      expect(rounds).toBeGreaterThan(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      // Neither the service's table nor the scratch one is left: the warm-up only made and removed its own.
      expect((await tables()).filter((name) => name.startsWith(tableName))).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});
