import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { CountedMetrics } from '../support/metrics.js';
import { allItems, connectionItems, eventually, startTestRuntime } from '../support/runtime.js';
import { settled, TestClient } from '../support/test-client.js';

/**
 * Each runtime builds its handlers from its own settings: two in one process keep their own
 * table, join order and management API, and neither sees the other's connections.
 */
const counted = CountedMetrics.start();
let first: LocalRuntime;
let second: LocalRuntime;
beforeAll(async () => {
  [first, second] = await Promise.all([startTestRuntime(), startTestRuntime({ settings: { joinOrder: 'arrival' } })]);
});
afterAll(() => Promise.all([first?.stop(), second?.stop()]));

describe('two local runtimes in one process', () => {
  it('keep their own settings and dependencies', () => {
    expect(first.tableName).not.toBe(second.tableName);
    expect(first.url).not.toBe(second.url);
    expect([first.joinOrder, second.joinOrder]).toEqual(['room', 'arrival']);
    expect(first.dependencies.joinOrder).toBeDefined();
    expect(second.dependencies.joinOrder).toBeUndefined();
    expect(first.dependencies.dynamoDb).not.toBe(second.dependencies.dynamoDb);
  });

  it('route a room in each, to their own clients and tables only', async () => {
    const clients = await Promise.all([first.url, first.url, second.url, second.url].map((url) => TestClient.connect(url)));
    const [a1, a2, b1, b2] = clients as [TestClient, TestClient, TestClient, TestClient];
    for (const client of clients) client.send({ type: 'subscribe', topics: ['shared-name'] });
    await Promise.all(clients.map((client) => settled(client)));

    a1.send({ type: 'publish', topic: 'shared-name', data: { from: 'first' } });
    b1.send({ type: 'publish', topic: 'shared-name', data: { from: 'second' } });
    await Promise.all([a2, b2].map((client) => client.receivedCount(1)));
    await Promise.all(clients.map((client) => settled(client)));

    const dataOf = (client: TestClient) => client.received.map((message) => (message as { data?: { from?: string } }).data?.from);
    expect(dataOf(a1)).toEqual(['first']);
    expect(dataOf(a2)).toEqual(['first']);
    expect(dataOf(b1)).toEqual(['second']);
    expect(dataOf(b2)).toEqual(['second']);
    expect(first.gateway.connectionCount).toBe(2);
    expect(second.gateway.connectionCount).toBe(2);

    const connectionsIn = async (runtime: LocalRuntime) =>
      (await allItems(runtime)).filter((item) => (item['__edb_e__'] as { S?: string } | undefined)?.S === 'connection').length;
    expect(await connectionsIn(first)).toBe(2);
    expect(await connectionsIn(second)).toBe(2);
    await Promise.all(clients.map((client) => client.close()));
    // Their $disconnects and cleanups finish here, not inside the next test's count.
    for (const runtime of [first, second]) {
      await eventually(async () => (await connectionItems(runtime)).length === 0, 10_000, 'connections and subscriptions gone');
      await runtime.poller.drained();
    }
  });
});

describe('stopping a local runtime', () => {
  it("delivers the $disconnect of every connection still open, and its cleanup, before destroying the handlers' clients", async () => {
    const runtime = await startTestRuntime();
    const client = await TestClient.connect(runtime.url);
    client.send({ type: 'subscribe', topics: ['open-at-stop'] });
    await settled(client);
    const mark = counted.mark();
    await runtime.stop();
    expect(counted.sum('HandlerErrors', mark)).toBe(0);
    expect(counted.sum('ConnectionsClosed', mark)).toBe(1);
    expect(counted.sum('ConnectionsCleanedUp', mark)).toBe(1);
    expect(client.closed).toBe(true);
  });
});
