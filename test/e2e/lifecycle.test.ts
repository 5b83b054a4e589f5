import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { metrics } from '../../src/handlers/observability.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { allItems, eventually, startTestRuntime } from '../support/runtime.js';
import { settled, TestClient } from '../support/test-client.js';

let runtime: LocalRuntime;
const addMetric = vi.spyOn(metrics, 'addMetric');

beforeAll(async () => {
  // A client that connects with ?lose-disconnect plays a connection whose $disconnect AWS never delivers.
  runtime = await startTestRuntime({
    deliverDisconnect: (connection) => !('lose-disconnect' in connection.queryStringParameters),
  });
});
afterAll(() => runtime?.stop());

function counted(name: string): number {
  return addMetric.mock.calls.filter(([metric]) => metric === name).reduce((sum, call) => sum + Number(call[2]), 0);
}

describe('connection lifecycle', () => {
  it('leaves no item once every client has disconnected and the stream is drained', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => TestClient.connect(runtime.url)));
    for (const [index, client] of clients.entries()) {
      client.send({ type: 'subscribe', topics: ['shared', `own-${index}`, ...Array.from({ length: 30 }, (_, n) => `many-${n}`)] });
      await settled(client);
    }
    expect((await allItems(runtime)).length).toBe(5 + 5 * (2 + 30 + 1));
    await Promise.all(clients.map((client) => client.close()));
    await eventually(async () => (await allItems(runtime)).length === 0, 15_000, 'table empty');
  });

  it('removes the stale subscription and connection when a publish meets a 410', async () => {
    const stale = await TestClient.connect(`${runtime.url}/?lose-disconnect`);
    stale.send({ type: 'subscribe', topics: ['gone-room', 'other-room'] });
    await settled(stale);
    await stale.close();
    await runtime.poller.drained();
    const staleItems = await allItems(runtime);
    expect(staleItems.map((item) => (item['__edb_e__'] as { S: string }).S).sort()).toEqual([
      'connection',
      'subscription',
      'subscription',
      'subscription',
    ]);

    const publisher = await TestClient.connect(runtime.url);
    const goneBefore = counted('StaleReceivers');
    publisher.send({ type: 'publish', topic: 'gone-room', data: 'anyone?' });
    await settled(publisher);
    expect(counted('StaleReceivers') - goneBefore).toBe(1);
    // The connection item went at once; the stream cleanup takes the remaining subscriptions.
    await eventually(async () => (await allItems(runtime)).every((item) => !isOfConnection(item, staleItems)), 10_000);
    expect(publisher.received).toEqual([]);
    await publisher.close();
  });
});

function isOfConnection(item: Record<string, unknown>, of: Record<string, unknown>[]): boolean {
  const id = (item['connectionId'] as { S: string }).S;
  return of.some((other) => (other['connectionId'] as { S: string }).S === id);
}
