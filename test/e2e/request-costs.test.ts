import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencies } from '../../src/handlers/dependencies.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { tableDefinition } from '../../src/store/table.js';
import { CommandCounter } from '../support/command-counter.js';
import { allItems, eventually, startTestRuntime } from '../support/runtime.js';
import { settled, TestClient } from '../support/test-client.js';

let runtime: LocalRuntime;
let counter: CommandCounter;

beforeAll(async () => {
  runtime = await startTestRuntime();
  // The handlers' own client: every DynamoDB request the product makes goes through it.
  counter = new CommandCounter(dependencies().dynamoDb);
});
afterAll(() => runtime?.stop());

async function connectionIdOf(topic: string): Promise<string> {
  const mine = (await allItems(runtime)).filter((item) => (item['topic'] as { S?: string } | undefined)?.S === topic);
  expect(mine).toHaveLength(1);
  return (mine[0]!['connectionId'] as { S: string }).S;
}

async function subscriptionsLeft(connectionId: string): Promise<number> {
  const { reverseIndex } = tableDefinition;
  const page = await runtime.dynamoDb.send(
    new QueryCommand({
      TableName: runtime.tableName,
      IndexName: reverseIndex.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': reverseIndex.partitionKey },
      ExpressionAttributeValues: { ':pk': { S: `c#${connectionId}` } },
      Select: 'COUNT',
    }),
  );
  return page.Count ?? 0;
}

describe('DynamoDB requests', () => {
  it('never scans while many connections subscribe to many topics, publish and disconnect', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => TestClient.connect(runtime.url)));
    for (const [index, client] of clients.entries()) {
      client.send({ type: 'subscribe', topics: Array.from({ length: 30 }, (_, n) => `topic-${(index + n) % 40}`) });
    }
    await Promise.all(clients.map((client) => settled(client)));
    for (const [index, client] of clients.entries()) {
      client.send({ type: 'publish', topic: `topic-${index}`, data: { type: 'announce', from: String(index) } });
    }
    await Promise.all(clients.map((client) => settled(client)));
    await Promise.all(clients.map((client) => client.close()));
    await eventually(async () => (await allItems(runtime)).length === 0, 20_000, 'table empty');

    expect(counter.get('QueryCommand')).toBeGreaterThan(40);
    expect(counter.get('BatchWriteItemCommand')).toBeGreaterThan(40);
    expect(counter.get('ScanCommand')).toBe(0);
  });

  it('costs one Query per publish, one Query and one batch per subscribe, and one delete plus one Query and one batch per 25 subscriptions per disconnect', async () => {
    const receivers = await Promise.all(Array.from({ length: 10 }, () => TestClient.connect(runtime.url)));
    for (const receiver of receivers) receiver.send({ type: 'subscribe', topics: ['fan-out'] });
    await Promise.all(receivers.map((receiver) => settled(receiver)));

    counter.reset();
    receivers[0]!.send({ type: 'publish', topic: 'fan-out', data: { type: 'announce', from: 'x' } });
    await Promise.all(receivers.map((receiver) => receiver.next()));
    await settled(receivers[0]!);
    // The barrier's subscribe costs a Query (topics per connection) and a batch; its publish a Query.
    expect(counter.snapshot()).toEqual({ QueryCommand: 3, BatchWriteItemCommand: 1 });

    const leaving = await TestClient.connect(runtime.url);
    const topics = Array.from({ length: 10 }, (_, n) => `leaving-${n}`);
    leaving.send({ type: 'subscribe', topics });
    await settled(leaving);
    const connectionId = await connectionIdOf('leaving-0');
    await runtime.poller.drained();

    counter.reset();
    const closedAt = performance.now();
    await leaving.close();
    await eventually(async () => (await subscriptionsLeft(connectionId)) === 0, 10_000, 'subscriptions deleted');
    const cleanupMs = performance.now() - closedAt;
    await runtime.poller.drained();
    // 11 subscriptions (10 topics and the barrier): one batch of up to 25.
    expect(counter.snapshot()).toEqual({ DeleteItemCommand: 1, QueryCommand: 1, BatchWriteItemCommand: 1 });
    console.log(
      `figures: publish to 10 receivers = 1 Query; disconnect with 11 subscriptions = 1 DeleteItem + 1 Query + 1 BatchWriteItem; ` +
        `disconnect to last subscription deleted: ${cleanupMs.toFixed(0)} ms`,
    );
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });
});
