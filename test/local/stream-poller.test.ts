import { DynamoDBStreamsClient, GetRecordsCommand, TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StreamPoller } from '../../src/local/stream-poller.js';
import { connectionRemovedFilterPattern } from '../../src/store/table.js';
import { createTestTable, type TestTable } from '../support/table.js';
import { eventually } from '../support/runtime.js';
import { localClientIdentity, localDynamoDbConfig } from '../support/dynamodb.js';
import { freePort } from '../../src/local/free-port.js';

describe('StreamPoller', () => {
  let table: TestTable;
  let streams: DynamoDBStreamsClient;
  beforeAll(async () => {
    table = await createTestTable();
    streams = new DynamoDBStreamsClient({
      ...localDynamoDbConfig(),
    });
  });
  afterAll(() => streams?.destroy());

  it('hands over only removed connections, and retries from the first record reported as failed', async () => {
    const seen: string[] = [];
    let failedOnce = false;
    const poller = new StreamPoller({
      client: streams,
      streamArn: table.streamArn,
      filters: [connectionRemovedFilterPattern],
      batchSize: 10,
      handler: async ({ Records }) => {
        const ids = Records.map((record: DynamoDBRecord) => record.dynamodb?.OldImage?.['connectionId']?.S ?? '?');
        seen.push(...ids);
        const failing = Records.find((record: DynamoDBRecord) => record.dynamodb?.OldImage?.['connectionId']?.S === 'c3');
        if (failing && !failedOnce) {
          failedOnce = true;
          return { batchItemFailures: [{ itemIdentifier: failing.dynamodb!.SequenceNumber! }] };
        }
        return { batchItemFailures: [] };
      },
    });
    for (const id of ['c1', 'c2', 'c3', 'c4']) {
      const connectedAt = Date.now();
      await table.store.putConnection({ connectionId: id, connectedAt });
      await table.store.subscribe({ connectionId: id, connectedAt, at: connectedAt }, ['topic']);
    }
    for (const id of ['c1', 'c2', 'c3', 'c4']) await table.store.deleteConnection(id);
    poller.start();
    try {
      await eventually(() => seen.length >= 6, 10_000, 'records delivered');
      await poller.drained();
      expect(seen).toEqual(['c1', 'c2', 'c3', 'c4', 'c3', 'c4']);
    } finally {
      await poller.stop();
    }
  });

  it('gives up on a batch that keeps failing after the retry attempts', async () => {
    const other = await createTestTable();
    let calls = 0;
    const given: string[] = [];
    const poller = new StreamPoller({
      client: streams,
      streamArn: other.streamArn,
      filters: [connectionRemovedFilterPattern],
      retryAttempts: 2,
      handler: async () => {
        calls++;
        throw new Error('always failing');
      },
      onGiveUp: (records) => given.push(...records.map((record) => record.dynamodb?.OldImage?.['connectionId']?.S ?? '?')),
    });
    await other.store.putConnection({ connectionId: 'doomed', connectedAt: Date.now() });
    await other.store.deleteConnection('doomed');
    poller.start();
    try {
      await eventually(() => given.length === 1, 10_000, 'gave up');
      expect(calls).toBe(3);
      expect(given).toEqual(['doomed']);
    } finally {
      await poller.stop();
    }
  });

  it('takes a fresh iterator after the last record read when its iterator is dead, losing and repeating nothing', async () => {
    const other = await createTestTable();
    const client = new DynamoDBStreamsClient({ ...localDynamoDbConfig() });
    const seen: string[] = [];
    // DynamoDB Local's own fault, made on demand: every read through the iterator in use
    // when armed fails with TrimmedDataAccessException, as it does for good (aws-sdk-java#2923).
    let armed = false;
    let dead: string | undefined;
    const send = client.send.bind(client);
    vi.spyOn(client, 'send').mockImplementation((async (command: { input: { ShardIterator?: string } }) => {
      const iterator = command instanceof GetRecordsCommand ? command.input.ShardIterator : undefined;
      if (armed && iterator) [dead, armed] = [iterator, false];
      if (iterator && iterator === dead) {
        throw new TrimmedDataAccessException({ message: 'The operation attempted to read past the oldest stream record in a shard.', $metadata: {} });
      }
      return send(command as never);
    }) as never);
    const poller = new StreamPoller({
      client,
      streamArn: other.streamArn,
      filters: [connectionRemovedFilterPattern],
      handler: async ({ Records }) => {
        seen.push(...Records.map((record: DynamoDBRecord) => record.dynamodb?.OldImage?.['connectionId']?.S ?? '?'));
      },
    });
    const removeConnection = async (id: string) => {
      await other.store.putConnection({ connectionId: id, connectedAt: Date.now() });
      await other.store.deleteConnection(id);
    };
    poller.start();
    try {
      await removeConnection('before-1');
      await removeConnection('before-2');
      await eventually(() => seen.length === 2, 10_000, 'first records delivered');
      armed = true;
      await eventually(() => dead !== undefined, 10_000, 'iterator killed');
      await removeConnection('after');
      await eventually(() => seen.length >= 3, 10_000, 'record after the dead iterator delivered');
      await poller.drained();
      expect(seen).toEqual(['before-1', 'before-2', 'after']);
    } finally {
      await poller.stop();
      client.destroy();
    }
  });
});

describe('StreamPoller on a stream it cannot read (DynamoDB gone)', () => {
  it('says so once, backs off instead of spinning, stops waiting for a drain and stops at once', async () => {
    // A port nothing listens on: every request is refused, as after DynamoDB Local died.
    const gone = new DynamoDBStreamsClient({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      ...localClientIdentity,
      maxAttempts: 1,
    });
    let requests = 0;
    gone.middlewareStack.add((next) => (args) => (requests++, next(args)), { step: 'initialize' });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const poller = new StreamPoller({ client: gone, streamArn: 'arn:aws:dynamodb:local:000000000000:table/gone/stream/x', filters: [connectionRemovedFilterPattern], handler: async () => undefined });
    try {
      poller.start();
      const started = Date.now();
      await expect(poller.drained()).rejects.toThrow(/the stream cannot be read: .*ECONNREFUSED/);
      expect(Date.now() - started).toBeLessThan(5_000);
      // Backing off 200, 400, 800 ms...: a handful of attempts in over two seconds, not thousands.
      expect(requests).toBeLessThan(10);
      expect(logged.mock.calls.filter(([line]) => String(line).startsWith('stream poller:'))).toHaveLength(1);
      // Stopping cuts the backoff short instead of waiting it out.
      const stopping = Date.now();
      await poller.stop();
      expect(Date.now() - stopping).toBeLessThan(500);
    } finally {
      await poller.stop();
      gone.destroy();
      logged.mockRestore();
    }
  });
});
