import { beforeAll, describe, expect, it } from 'vitest';
import { AwsNetworkError, AwsServiceError } from '../../src/aws/aws-error.js';
import { DynamoDb, regionalEndpoint } from '../../src/aws/dynamodb.js';
import { createTestTable, type TestTable } from '../support/table.js';
import { scriptedServer } from './scripted-server.js';

const identity = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session-token' } };

describe('DynamoDb against DynamoDB Local', () => {
  let table: TestTable;
  let attempts: number;

  beforeAll(async () => {
    table = await createTestTable();
    table.dynamoDb.intercept({ attempt: (_call, _attempt, next) => (attempts++, next()) });
  });

  const key = (sk: string) => ({ pk: 'client-test', sk });

  it('writes and reads plain values, page by page', async () => {
    for (let n = 0; n < 7; n++) await table.dynamoDb.put({ TableName: table.tableName, Item: { ...key(`item-${n}`), n, tags: new Set(['a', 'b']), nested: { list: [n, 'x', null, true] } } });
    const pages: unknown[][] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await table.dynamoDb.query({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'client-test' },
        Limit: 3,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      pages.push(page.Items.map((item) => item['n']));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(pages.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const { Items } = await table.dynamoDb.query({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': 'client-test', ':sk': 'item-2' } });
    expect(Items).toEqual([{ ...key('item-2'), n: 2, tags: new Set(['a', 'b']), nested: { list: [2, 'x', null, true] } }]);
  });

  it('names a failed condition as DynamoDB does, with the item it read as plain values, and does not retry it', async () => {
    await table.dynamoDb.put({ TableName: table.tableName, Item: { ...key('guarded'), version: 3 } });
    attempts = 0;
    const failed = await table.dynamoDb
      .update({
        TableName: table.tableName,
        Key: key('guarded'),
        UpdateExpression: 'SET version = :next',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':next': 5, ':expected': 4 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(AwsServiceError);
    expect(failed).toMatchObject({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 }, Item: { ...key('guarded'), version: 3 } });
    expect(attempts).toBe(1);

    const { Attributes } = await table.dynamoDb.update({
      TableName: table.tableName,
      Key: key('guarded'),
      UpdateExpression: 'SET version = :next',
      ExpressionAttributeValues: { ':next': 4 },
      ReturnValues: 'ALL_OLD',
    });
    expect(Attributes).toEqual({ ...key('guarded'), version: 3 });
  });

  it('reports a request DynamoDB refuses with its message, once, and writes nothing', async () => {
    attempts = 0;
    const refused = await table.dynamoDb
      .update({ TableName: table.tableName, Key: key('refused'), UpdateExpression: 'SET #missing = :v', ExpressionAttributeValues: { ':v': 1 } })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((refused as Error).message).toMatch(/#missing/);
    expect(attempts).toBe(1);
    const { Items } = await table.dynamoDb.query({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': 'client-test', ':sk': 'refused' } });
    expect(Items).toEqual([]);
  });

  it('deletes in batches and hands back nothing when all is written', async () => {
    const { UnprocessedItems } = await table.dynamoDb.batchWrite({
      RequestItems: { [table.tableName]: [0, 1, 2].map((n) => ({ DeleteRequest: { Key: key(`item-${n}`) } })) },
    });
    expect(UnprocessedItems).toEqual({});
    const { Items } = await table.dynamoDb.query({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :items)', ExpressionAttributeValues: { ':pk': 'client-test', ':items': 'item-' } });
    expect(Items.map((item) => item['n'])).toEqual([3, 4, 5, 6]);
  });
});

describe('DynamoDb on the wire', () => {
  const throttled = { status: 400, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate exceeded' }) };
  const serverFault = { status: 500, body: JSON.stringify({ __type: 'com.amazon.coral.availability#InternalServerError', message: 'oops' }) };

  it('sends a signed request in the JSON protocol, with the session token', async () => {
    const server = await scriptedServer([{ status: 200, body: '{}' }]);
    const client = new DynamoDb({ ...identity, endpoint: server.url });
    try {
      await client.delete({ TableName: 't', Key: { pk: 'a', sk: 'b' } });
      const [request] = server.received;
      expect(request!.headers['x-amz-target']).toBe('DynamoDB_20120810.DeleteItem');
      expect(request!.headers['content-type']).toBe('application/x-amz-json-1.0');
      expect(request!.headers['x-amz-security-token']).toBe('session-token');
      expect(request!.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/);
      expect(JSON.parse(request!.body)).toEqual({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });
    } finally {
      client.destroy();
      await server.close();
    }
  });

  // Throttling first: its delays are the long ones (500 ms base), and the test waits through them.
  it('tries throttling, server faults and lost connections again, up to its attempts', async () => {
    const server = await scriptedServer([throttled, serverFault, 'drop', { status: 200, body: '{}' }, serverFault, serverFault, serverFault, throttled]);
    const client = new DynamoDb({ ...identity, endpoint: server.url, maxAttempts: 4 });
    try {
      await client.put({ TableName: 't', Item: { pk: 'a', sk: 'b' } });
      expect(server.received).toHaveLength(4);
      await expect(client.put({ TableName: 't', Item: { pk: 'a', sk: 'b' } })).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
      expect(server.received).toHaveLength(8);
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it('names an answer that is not DynamoDB JSON by its status, and one never answered as lost', async () => {
    const server = await scriptedServer([{ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>bad gateway</html>' }, 'drop']);
    const client = new DynamoDb({ ...identity, endpoint: server.url, maxAttempts: 1 });
    try {
      await expect(client.put({ TableName: 't', Item: { pk: 'a' } })).rejects.toMatchObject({ name: 'HttpError502', $metadata: { httpStatusCode: 502 } });
      await expect(client.put({ TableName: 't', Item: { pk: 'a' } })).rejects.toBeInstanceOf(AwsNetworkError);
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it("goes to the region's endpoint on AWS", () => {
    expect(regionalEndpoint('eu-west-1')).toBe('https://dynamodb.eu-west-1.amazonaws.com');
    expect(regionalEndpoint('cn-north-1')).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn');
  });
});
