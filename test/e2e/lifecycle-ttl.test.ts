import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // The failed delete is logged as an error by design; the test counts it in HandlerErrors.
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
});

import { defaultLimits } from '../../src/config/limits.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import type { EmulatedConnectionInfo } from '../../src/local/gateway-emulator.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { DynamoFaults } from '../support/faults.js';
import { CountedMetrics, recordedSum } from '../support/metrics.js';
import { allItems, connectionItems, eventually, startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

/** TTL is what cleans up after every `$disconnect` that did not do its job: lost, or failed. */
let runtime: LocalRuntime;
/** The same, on the shipped bundles: their cleanup bundle, fed by the template's event source mapping, sees the TTL deletes. */
let bundled: LocalRuntime;
let database: RunningDynamoDbLocal;
let dynamo: DynamoFaults;
const counted = CountedMetrics.start();

beforeAll(async () => {
  // A DynamoDB Local of its own: its TTL sweep visits every table, and the run's shared one
  // holds many (the benches' with thousands of items), which can delay this table's turn.
  database = await startDynamoDbLocal();
  // Connections last 3 s and their items expire 1 s later.
  // A client that connects with ?lose-disconnect plays a connection whose $disconnect AWS never delivers.
  const settings = { dynamodbEndpoint: database.endpoint, limits: { ...defaultLimits, maxConnectionSeconds: 3, expiryGraceSeconds: 1 } };
  const deliverDisconnect = (connection: EmulatedConnectionInfo) => !('lose-disconnect' in connection.queryStringParameters);
  [runtime, bundled] = await Promise.all([
    startTestRuntime({ deliverDisconnect, settings }),
    startTestRuntime({ deliverDisconnect, settings: { ...settings, functions: 'bundles' } }),
  ]);
  dynamo = await DynamoFaults.on(runtime.dependencies.dynamoDb);
});
afterAll(async () => {
  dynamo?.remove();
  await Promise.all([runtime?.stop(), bundled?.stop()]);
  await database?.stop();
});

/** Reaped by TTL in sources mode, counted in this process; in bundles mode, counted by the cleanup bundle's EMF. */
const reapedIn = (target: LocalRuntime) =>
  target === bundled ? recordedSum(target.metrics, 'ConnectionsReapedByTtl') : counted.sum('ConnectionsReapedByTtl');

/** Waits until TTL has removed every item, the rooms' join order included, and the cleanup ran. */
async function reapedByTtl(target: LocalRuntime, reapedBefore: number): Promise<void> {
  await eventually(async () => (await allItems(target)).length === 0, 40_000, 'TTL reaped every item').catch(async (error: Error) => {
    throw new Error(`${error.message}; left at ${Math.floor(Date.now() / 1000)}: ${JSON.stringify(await allItems(target))}`);
  });
  await eventually(() => reapedIn(target) > reapedBefore, 10_000, 'cleanup saw the TTL delete');
}

describe.each(['sources', 'bundles'])('a connection whose $disconnect never arrives (LOCAL_FUNCTIONS=%s)', (mode) => {
  it('is closed at the maximum duration and reaped by TTL, with its subscriptions cleaned up', async () => {
    const target = mode === 'bundles' ? bundled : runtime;
    const reapedBefore = reapedIn(target);
    const client = await TestClient.connect(`${target.url}/?lose-disconnect`);
    client.send({ type: 'subscribe', topics: ['ttl-a', 'ttl-b', 'ttl-c'] });
    await eventually(async () => (await connectionItems(target)).length === 4, 5_000, 'connection and 3 subscriptions written');

    await eventually(() => client.closed, 6_000, 'connection closed by the maximum duration');
    expect(client.socket.readyState).toBe(client.socket.CLOSED);
    // The rooms' join order items expire as their places' connections could last: TTL takes them too.
    await reapedByTtl(target, reapedBefore);
  }, 60_000);
});

describe('a $disconnect whose delete fails outright', () => {
  it('answers 500, counts a handler error, and leaves the connection to TTL, which reaps it and its subscriptions', async () => {
    const mark = counted.mark();
    const reapedBefore = counted.sum('ConnectionsReapedByTtl');
    const client = await TestClient.connect(runtime.url);
    client.send({ type: 'subscribe', topics: ['failed-delete-a', 'failed-delete-b'] });
    await eventually(async () => (await connectionItems(runtime)).length === 3, 5_000, 'connection and 2 subscriptions written');

    dynamo.decide = (call) => (call.command === 'DeleteItem' ? 'fail' : 'none');
    await client.close();
    await eventually(() => counted.sum('HandlerErrors', mark) === 1, 10_000, "the failed $disconnect's error counted");
    dynamo.reset();
    expect(counted.sum('ConnectionsClosed', mark)).toBe(0);
    // Still there after the failed delete: nothing but TTL will remove it now.
    expect((await connectionItems(runtime)).length).toBe(3);

    await reapedByTtl(runtime, reapedBefore);
  }, 60_000);
});
