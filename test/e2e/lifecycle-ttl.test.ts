import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { metrics } from '../../src/handlers/observability.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { allItems, connectionItems, eventually, startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

let runtime: LocalRuntime;
let database: RunningDynamoDbLocal;
const addMetric = vi.spyOn(metrics, 'addMetric');

beforeAll(async () => {
  // A DynamoDB Local of its own: its TTL sweep visits every table, and the run's shared one
  // holds many (the benches' with thousands of items), which can delay this table's turn.
  database = await startDynamoDbLocal();
  // Connections last 3 s and their items expire 1 s later; no $disconnect is ever delivered.
  process.env['MAX_CONNECTION_SECONDS'] = '3';
  process.env['EXPIRY_GRACE_SECONDS'] = '1';
  runtime = await startTestRuntime({ deliverDisconnect: () => false, settings: { dynamodbEndpoint: database.endpoint } });
});
afterAll(async () => {
  await runtime?.stop();
  await database?.stop();
});

describe('a connection whose $disconnect never arrives', () => {
  it('is closed at the maximum duration and reaped by TTL, with its subscriptions cleaned up', async () => {
    const client = await TestClient.connect(runtime.url);
    client.send({ type: 'subscribe', topics: ['ttl-a', 'ttl-b', 'ttl-c'] });
    await eventually(async () => (await connectionItems(runtime)).length === 4, 5_000, 'connection and 3 subscriptions written');

    await eventually(() => client.closed, 6_000, 'connection closed by the maximum duration');
    expect(client.socket.readyState).toBe(client.socket.CLOSED);
    // The rooms' join order items expire as their places' connections could last: TTL takes them too.
    await eventually(async () => (await allItems(runtime)).length === 0, 40_000, 'TTL reaped every item').catch(async (error: Error) => {
      throw new Error(`${error.message}; left at ${Math.floor(Date.now() / 1000)}: ${JSON.stringify(await allItems(runtime))}`);
    });
    await eventually(
      () => addMetric.mock.calls.some(([name]) => name === 'ConnectionsReapedByTtl'),
      10_000,
      'cleanup saw the TTL delete',
    );
  }, 60_000);
});
