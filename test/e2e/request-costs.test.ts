import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { tableDefinition } from '../../src/store/table.js';
import { CommandCounter, type CapacityReading } from '../../src/tools/command-counter.js';
import { allItems, connectWithId, eventually, startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

let runtime: LocalRuntime;
let counter: CommandCounter;

beforeAll(async () => {
  runtime = await startTestRuntime();
  // The handlers' own client: every DynamoDB request the product makes goes through it, with
  // the capacity DynamoDB Local says it consumed.
  counter = new CommandCounter(runtime.dependencies.dynamoDb, { consumedCapacity: true });
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
    const clients = await Promise.all(Array.from({ length: 10 }, () => TestClient.connect(runtime.url)));
    for (const [index, client] of clients.entries()) {
      client.send({ type: 'subscribe', topics: Array.from({ length: 30 }, (_, n) => `topic-${(index + n) % 40}`) });
    }
    // Not a user's wait: 300 conditional updates and 300 places, through 50 sockets, on a DynamoDB Local shared with the suite.
    await eventually(async () => (await subscriptionCount()) === 10 * 30, 60_000, 'all subscribed');
    for (const [index, client] of clients.entries()) {
      client.send({ type: 'publish', topic: `topic-${index}`, data: { type: 'announce', from: String(index) } });
    }
    // Every announce comes back to its sender. Not a user's wait: 300 subscriptions and their
    // places were just written through 50 sockets, and the announces queue behind them.
    await Promise.all(clients.map((client) => client.next(30_000)));
    await Promise.all(clients.map((client) => client.close()));
    await eventually(onlyOrdersLeft, 60_000, 'no connection or subscription left');

    expect(counter.get('Query')).toBeGreaterThan(20);
    // One conditional update per subscription and place; the cleanup deletes 30 per connection in 2 batches.
    expect(counter.get('UpdateItem')).toBeGreaterThan(300);
    expect(counter.get('BatchWriteItem')).toBeGreaterThanOrEqual(20);
    expect(counter.get('Scan')).toBe(0);
  }, 120_000);

  it('costs one Query per publish, one Query, one update and one place per subscribe, and one delete plus one Query and one batch per 25 subscriptions per disconnect', async () => {
    const receivers = await Promise.all(Array.from({ length: 10 }, () => TestClient.connect(runtime.url)));
    for (const receiver of receivers) receiver.send({ type: 'subscribe', topics: ['fan-out'] });
    // The previous test's cleanup may still be draining through DynamoDB Local.
    await eventually(async () => (await subscriptionCount()) === 10, 30_000, 'ten subscribed');
    // Each subscribe writes its subscription, then its place: done once the room holds ten places.
    await eventually(async () => (await runtime.dependencies.joinOrder!.room('fan-out')).places.size === 10, 10_000, 'ten placed');
    // And the previous test's cleanup has run to its end: its requests are not this publish's.
    await runtime.poller.drained();

    counter.reset();
    receivers[0]!.send({ type: 'publish', topic: 'fan-out', data: { type: 'signal', from: 'x', to: 'y' } });
    await Promise.all(receivers.map((receiver) => receiver.next()));
    // One strongly consistent Query reads the subscribers, their peer ids and the room's join
    // order together; the first publish signed `x` on this subscription records the peer id.
    expect(counter.snapshot()).toEqual({ Query: 1, UpdateItem: 1 });
    counter.reset();
    receivers[0]!.send({ type: 'publish', topic: 'fan-out', data: { type: 'signal', from: 'x', to: 'y' } });
    await Promise.all(receivers.map((receiver) => receiver.next()));
    expect(counter.snapshot()).toEqual({ Query: 1 });

    // A newcomer joins as y-webrtc does: subscribe (limit Query on gsi1, the conditional update
    // of its subscription, its place), then announce (one Query: it has its place already,
    // frames run in order here; and its peer id recorded on its subscription).
    // The two frames leave in one tick and reach the gateway in one millisecond, almost always:
    // the announce then finds the subscribe it implies written already. Stamped a millisecond
    // later, it writes it itself (one UpdateItem more).
    const newcomer = await TestClient.connect(runtime.url);
    counter.reset();
    newcomer.send({ type: 'subscribe', topics: ['fan-out'] });
    newcomer.send({ type: 'publish', topic: 'fan-out', data: { type: 'announce', from: 'newcomer' } });
    await Promise.all([newcomer, ...receivers].map((client) => client.next()));
    expect(counter.get('Query')).toBe(2);
    expect(counter.get('UpdateItem')).toBeOneOf([3, 4]);
    expect(counter.total()).toBe(2 + counter.get('UpdateItem'));

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
    expect(counter.snapshot()).toEqual({ DeleteItem: 1, Query: 1, BatchWriteItem: 1 });
    console.log(
      `figures: publish to 10 receivers = 1 Query; join (subscribe + announce) = 2 Query + 3 UpdateItem; ` +
        `disconnect with 10 subscriptions = 1 DeleteItem + 1 Query + 1 BatchWriteItem; disconnect to last subscription deleted: ${cleanupMs.toFixed(0)} ms`,
    );
    await Promise.all([newcomer, ...receivers].map((client) => client.close()));
  });

  it('costs, per subscribe, unsubscribe, announce and signal of a y-webrtc peer: requests and capacity units (docs/architecture.md)', async () => {
    const room = 'per-operation';
    const members = await Promise.all(Array.from({ length: 3 }, () => connectWithId(runtime)));
    for (const [index, { client }] of members.entries()) {
      client.send({ type: 'subscribe', topics: [room] });
      client.send({ type: 'publish', topic: room, data: { type: 'announce', from: `member-${index}` } });
    }
    await Promise.all(members.map(({ client }) => client.next()));
    const { client: peer, connectionId } = await connectWithId(runtime);

    /** What one frame of the peer cost: its invocation, from the moment the gateway hands it over until it is done. */
    const costOf = async (frame: object): Promise<CapacityReading> => {
      await Promise.all(members.map(({ connectionId: id }) => eventually(() => runtime.gateway.framesWaitingOn(id) === 0, 10_000, 'members idle')));
      // The cleanup of earlier tests' connections goes through the same client.
      await runtime.poller.drained();
      const invocation = runtime.gateway.holdNext(({ requestContext }) => requestContext.connectionId === connectionId);
      // A millisecond apart at least, as frames a user sends one by one: each its own stamp.
      await new Promise((resolve) => setTimeout(resolve, 2));
      peer.send(frame);
      await invocation.arrived;
      counter.reset();
      invocation.release();
      await invocation.handled;
      return counter.reading();
    };
    const readings: [string, CapacityReading][] = [];
    readings.push(['subscribe (joins the room)', await costOf({ type: 'subscribe', topics: [room] })]);
    readings.push(['announce (first; records the peer id)', await costOf({ type: 'publish', topic: room, data: { type: 'announce', from: 'peer' } })]);
    readings.push(['subscribe (repeated)', await costOf({ type: 'subscribe', topics: [room] })]);
    readings.push(['announce (repeated)', await costOf({ type: 'publish', topic: room, data: { type: 'announce', from: 'peer' } })]);
    readings.push(['signal (to a known peer)', await costOf({ type: 'publish', topic: room, data: { type: 'signal', from: 'peer', to: 'member-0', signal: {} } })]);
    readings.push(['unsubscribe', await costOf({ type: 'unsubscribe', topics: [room] })]);
    const units = (reading: CapacityReading) => `${reading.readUnits} RCU, ${reading.writeUnits} WCU (gsi1 ${reading.indexWriteUnits})`;
    console.log(`figures: per operation in a room of 4:\n${readings.map(([name, reading]) => `  ${name}: ${JSON.stringify(reading.byCommand)}; ${units(reading)}`).join('\n')}`);

    const requests = Object.fromEntries(readings.map(([name, reading]) => [name, reading.byCommand]));
    expect(requests).toEqual({
      // The topics-per-connection limit (gsi1), the subscription, its place.
      'subscribe (joins the room)': { Query: 1, UpdateItem: 2 },
      // The room, read strongly consistently; the subscribe it implies (stamped later than the
      // subscribe, so written: see the join above); the peer id recorded on the subscription.
      'announce (first; records the peer id)': { Query: 1, UpdateItem: 2 },
      // The limit, and the stamp of the newest change (a conditional update that keeps the rest).
      'subscribe (repeated)': { Query: 1, UpdateItem: 1 },
      'announce (repeated)': { Query: 1, UpdateItem: 1 },
      'signal (to a known peer)': { Query: 1 },
      // The marker of the left room; its place is forgotten by the room's next announce.
      unsubscribe: { UpdateItem: 1 },
    });
    await Promise.all([peer, ...members.map(({ client }) => client)].map((client) => client.close()));
  });
});
