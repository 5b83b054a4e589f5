import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { localAwsIdentity } from '../../src/config/aws-clients.js';
import { inject } from 'vitest';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../src/local/local-runtime.js';
import { dropTableAfterThisFile, testTableName } from './cleanups.js';
import { TestClient } from './test-client.js';

/**
 * A local runtime on the run's DynamoDB Local, with a table of its own and a free port. Its
 * `stop()` also deletes the table: DynamoDB Local's TTL sweep visits every table, one
 * request at a time with everything else, so tables left behind slow every later file.
 */
export async function startTestRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const settings = { dynamodbEndpoint: inject('dynamodbEndpoint'), tableName: testTableName(), port: 0, ...options.settings };
  // Also when the start fails after making the table (a test of a refused start), or stop() is never called.
  if (settings.dynamodbEndpoint) dropTableAfterThisFile(settings.dynamodbEndpoint, settings.tableName);
  const runtime = await startLocalRuntime({ ...options, settings });
  const { dynamodbEndpoint, tableName } = runtime;
  return {
    ...runtime,
    stop: async () => {
      await runtime.stop();
      const client = new DynamoDBClient({ endpoint: dynamodbEndpoint, ...localAwsIdentity });
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      client.destroy();
    },
  };
}

/** Every item in the runtime's table. Tests may scan; the product never does. */
export async function allItems(runtime: LocalRuntime): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await runtime.dynamoDb.send(new ScanCommand({ TableName: runtime.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

/**
 * The items of connections: connection items and subscriptions, without the rooms' join
 * order items (`#order`), which hold places of ended connections until the next announce or
 * TTL (docs/architecture.md, "Join order").
 */
export async function connectionItems(runtime: LocalRuntime): Promise<Record<string, unknown>[]> {
  return (await allItems(runtime)).filter((item) => (item['sk'] as { S?: string } | undefined)?.S !== '#order');
}

/** Polls until `check` holds. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A client of the runtime and the connection id API Gateway gave it, found through the
 * emulator by a query parameter of the handshake (clients are never told their id).
 */
export async function connectWithId(runtime: LocalRuntime, query: Readonly<Record<string, string>> = {}): Promise<{ client: TestClient; connectionId: string; connectedAt: number }> {
  const tag = randomUUID();
  const client = await TestClient.connect(`${runtime.url}/?${new URLSearchParams({ ...query, 'test-client': tag })}`);
  const connection = runtime.gateway.openConnections().find(({ queryStringParameters }) => queryStringParameters['test-client'] === tag);
  if (!connection) throw new Error('the emulator has no open connection of the client that just connected');
  return { client, connectionId: connection.connectionId, connectedAt: connection.connectedAt };
}
