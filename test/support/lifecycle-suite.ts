import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayTimingMode } from '../../src/local/gateway-timing.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { defaultLimits } from '../../src/config/limits.js';
import type { MetricName } from '../../src/config/metrics.js';
import type { FunctionsMode } from '../../src/local/local-settings.js';
import { CountedMetrics, recordedSum } from './metrics.js';
import { allItems, connectWithId, eventually, startTestRuntime } from './runtime.js';
import { TestClient } from './test-client.js';

type Item = Record<string, unknown>;
const kindOf = (item: Item) => (item['__edb_e__'] as { S?: string } | undefined)?.S ?? ((item['sk'] as { S: string }).S === '#order' ? 'order' : 'other');
const connectionIdOf = (item: Item) => (item['connectionId'] as { S?: string } | undefined)?.S;

/**
 * How connections end, through the local runtime, waiting on what can be seen from outside
 * (the table, the metrics), never on the order a connection's frames are handled in: the
 * same tests hold in AWS timing.
 */
export function lifecycleSuite(gatewayTiming: GatewayTimingMode, functions: FunctionsMode = 'sources'): void {
  let runtime: LocalRuntime;
  const counted = CountedMetrics.start();

  beforeAll(async () => {
    // A client that connects with ?lose-disconnect plays a connection whose $disconnect AWS never delivers.
    runtime = await startTestRuntime({
      settings: { gatewayTiming, functions },
      deliverDisconnect: (connection) => !('lose-disconnect' in connection.queryStringParameters),
    });
  });
  afterAll(() => runtime?.stop());

  // In bundles mode the handlers count in their own environments: their EMF reaches the runtime's store.
  const sum = (name: MetricName) => (functions === 'bundles' ? recordedSum(runtime.metrics, name) : counted.sum(name));
  const itemsOf = async (kind: string) => (await allItems(runtime)).filter((item) => kindOf(item) === kind);

  describe(`connection lifecycle (GATEWAY_TIMING=${gatewayTiming}, LOCAL_FUNCTIONS=${functions})`, () => {
    it('leaves no connection or subscription once every client has disconnected and the stream is drained', async () => {
      const clients = await Promise.all(Array.from({ length: 5 }, () => TestClient.connect(runtime.url)));
      for (const [index, client] of clients.entries()) {
        client.send({ type: 'subscribe', topics: ['shared', `own-${index}`, ...Array.from({ length: 30 }, (_, n) => `many-${n}`)] });
      }
      await eventually(async () => (await itemsOf('subscription')).length === 5 * 32, 20_000, 'all subscriptions written');
      expect(await itemsOf('connection')).toHaveLength(5);
      await Promise.all(clients.map((client) => client.close()));
      await eventually(async () => (await allItems(runtime)).every((item) => kindOf(item) === 'order'), 20_000, 'connections and subscriptions gone');

      // What stays: one join order per room, holding places of ended connections only. The
      // next announce in the room forgets them; TTL removes the item at the latest when every
      // connection that could hold a place has ended.
      const orders = await itemsOf('order');
      expect(orders).toHaveLength(1 + 5 + 30);
      const latestEnd = Math.floor(Date.now() / 1000) + defaultLimits.maxConnectionSeconds + defaultLimits.expiryGraceSeconds;
      for (const order of orders) expect(Number((order['expiresAt'] as { N: string }).N)).toBeLessThanOrEqual(latestEnd);
    });

    it('removes the stale subscription and connection when a publish meets a 410', async () => {
      const { client: stale, connectionId: staleId } = await connectWithId(runtime, { 'lose-disconnect': '' });
      stale.send({ type: 'subscribe', topics: ['gone-room', 'other-room'] });
      const subscriptionsOfStale = async () => (await allItems(runtime)).filter((item) => connectionIdOf(item) === staleId);
      await eventually(async () => (await subscriptionsOfStale()).length === 3, 20_000, 'connection and 2 subscriptions written');
      await stale.close();
      await runtime.poller.drained();
      expect((await subscriptionsOfStale()).map(kindOf).sort()).toEqual(['connection', 'subscription', 'subscription']);

      const publisher = await TestClient.connect(runtime.url);
      const goneBefore = sum('StaleReceivers');
      publisher.send({ type: 'publish', topic: 'gone-room', data: 'anyone?' });
      await eventually(() => sum('StaleReceivers') - goneBefore === 1, 20_000, 'one stale receiver counted');
      // The connection item went at once; the stream cleanup takes the remaining subscriptions.
      await eventually(async () => (await allItems(runtime)).every((item) => connectionIdOf(item) !== staleId), 20_000, 'stale items gone');
      expect(publisher.received).toEqual([]);
      await publisher.close();
    });
  });
}
