import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { tableDefinition } from '../../src/store/table.js';
import { CommandCounter } from '../../src/tools/command-counter.js';
import { allItems, connectWithId, eventually, startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

let runtime: LocalRuntime;
let counter: CommandCounter;

beforeAll(async () => {
  runtime = await startTestRuntime();
  // The handlers' own client: every DynamoDB request the product makes goes through it.
  counter = new CommandCounter(runtime.dependencies.dynamoDb);
});
afterAll(() => runtime?.stop());

const subscriptionCount = async () => (await allItems(runtime)).filter((item) => (item['__edb_e__'] as { S?: string } | undefined)?.S === 'subscription').length;
const onlyOrdersLeft = async () => (await allItems(runtime)).every((item) => (item['sk'] as { S: string }).S === '#order');

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
    await eventually(async () => (await subscriptionCount()) === 20 * 30, 20_000, 'all subscribed');
    for (const [index, client] of clients.entries()) {
      client.send({ type: 'publish', topic: `topic-${index}`, data: { type: 'announce', from: String(index) } });
    }
    // Every announce comes back to its sender. Not a user's wait: 600 subscriptions and their
    // places were just written through 50 sockets, and the announces queue behind them.
    await Promise.all(clients.map((client) => client.next(30_000)));
    await Promise.all(clients.map((client) => client.close()));
    await eventually(onlyOrdersLeft, 20_000, 'no connection or subscription left');

    expect(counter.get('QueryCommand')).toBeGreaterThan(40);
    expect(counter.get('BatchWriteItemCommand')).toBeGreaterThan(40);
    expect(counter.get('ScanCommand')).toBe(0);
  });

  it('costs one Query per publish, one Query, one batch and one place per subscribe, and one delete plus one Query and one batch per 25 subscriptions per disconnect', async () => {
    const receivers = await Promise.all(Array.from({ length: 10 }, () => TestClient.connect(runtime.url)));
    for (const receiver of receivers) receiver.send({ type: 'subscribe', topics: ['fan-out'] });
    // The previous test's cleanup may still be draining through DynamoDB Local.
    await eventually(async () => (await subscriptionCount()) === 10, 30_000, 'ten subscribed');

    counter.reset();
    receivers[0]!.send({ type: 'publish', topic: 'fan-out', data: { type: 'signal', from: 'x', to: 'y' } });
    await Promise.all(receivers.map((receiver) => receiver.next()));
    // One strongly consistent Query reads the subscribers, their peer ids and the room's join
    // order together; the first publish signed `x` on this subscription records the peer id.
    expect(counter.snapshot()).toEqual({ QueryCommand: 1, UpdateItemCommand: 1 });
    counter.reset();
    receivers[0]!.send({ type: 'publish', topic: 'fan-out', data: { type: 'signal', from: 'x', to: 'y' } });
    await Promise.all(receivers.map((receiver) => receiver.next()));
    expect(counter.snapshot()).toEqual({ QueryCommand: 1 });

    // A newcomer joins as y-webrtc does: subscribe (limit Query on gsi1, the batch, its place),
    // then announce (one Query: it has its place already, frames run in order here; and its
    // peer id recorded on its subscription).
    const newcomer = await TestClient.connect(runtime.url);
    counter.reset();
    newcomer.send({ type: 'subscribe', topics: ['fan-out'] });
    newcomer.send({ type: 'publish', topic: 'fan-out', data: { type: 'announce', from: 'newcomer' } });
    await Promise.all([newcomer, ...receivers].map((client) => client.next()));
    expect(counter.snapshot()).toEqual({ QueryCommand: 2, BatchWriteItemCommand: 1, UpdateItemCommand: 2 });

    const { client: leaving, connectionId } = await connectWithId(runtime);
    const topics = Array.from({ length: 10 }, (_, n) => `leaving-${n}`);
    leaving.send({ type: 'subscribe', topics });
    await eventually(async () => (await subscriptionCount()) === 21, 10_000, 'leaving subscribed');
    await runtime.poller.drained();

    counter.reset();
    const closedAt = performance.now();
    await leaving.close();
    await eventually(async () => (await subscriptionsLeft(connectionId)) === 0, 10_000, 'subscriptions deleted');
    const cleanupMs = performance.now() - closedAt;
    await runtime.poller.drained();
    // 10 subscriptions: one batch of up to 25. The places stay for the next announce or TTL.
    expect(counter.snapshot()).toEqual({ DeleteItemCommand: 1, QueryCommand: 1, BatchWriteItemCommand: 1 });
    console.log(
      `figures: publish to 10 receivers = 1 Query; join (subscribe + announce) = 2 Query + 1 BatchWriteItem + 2 UpdateItem; ` +
        `disconnect with 10 subscriptions = 1 DeleteItem + 1 Query + 1 BatchWriteItem; disconnect to last subscription deleted: ${cleanupMs.toFixed(0)} ms`,
    );
    await Promise.all([newcomer, ...receivers].map((client) => client.close()));
  });
});
