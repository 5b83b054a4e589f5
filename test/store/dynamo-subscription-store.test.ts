import { GetItemCommand, PutItemCommand, type BatchWriteItemCommandInput, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/config/limits.js';
import { UnprocessedItemsError } from '../../src/store/batch-retry.js';
import { nowInSeconds } from '../../src/store/expiry.js';
import { CommandCounter } from '../../src/tools/command-counter.js';
import { createTestTable, type TestTable } from '../support/table.js';

let table: TestTable;
let counter: CommandCounter;
beforeAll(async () => {
  table = await createTestTable();
  counter = new CommandCounter(table.client);
});

const now = () => Date.now();

describe('DynamoSubscriptionStore', () => {
  it('keeps the case of topics and connection ids', async () => {
    await table.store.subscribe('AbC=', now(), ['Room', 'room', 'ROOM']);
    expect([...(await table.store.membersOf('Room')).subscribers].sort()).toEqual(['AbC=']);
    expect((await table.store.topicsOf('AbC=')).sort()).toEqual(['ROOM', 'Room', 'room']);
    expect(await table.store.topicsOf('abc=')).toEqual([]);
  });

  it('records the peer id a subscriber signs with, on its subscription only, never creating one', async () => {
    await table.store.subscribe('signer', now(), ['peers', 'other']);
    await table.store.subscribe('quiet', now(), ['peers']);
    await table.store.recordPeerId('peers', 'signer', 'peer-a');
    expect(await table.store.membersOf('peers')).toEqual({ subscribers: ['quiet', 'signer'], peerIds: new Map([['signer', 'peer-a']]) });
    expect((await table.joinOrder.room('peers')).peerIds).toEqual(new Map([['signer', 'peer-a']]));
    expect((await table.store.membersOf('other')).peerIds).toEqual(new Map());
    // A subscription that is gone stays gone: the update is conditional on it.
    await table.store.unsubscribe('signer', ['peers']);
    await table.store.recordPeerId('peers', 'signer', 'peer-a');
    expect(await table.store.membersOf('peers')).toEqual({ subscribers: ['quiet'], peerIds: new Map() });
  });

  it('subscribes idempotently', async () => {
    await table.store.subscribe('twice', now(), ['t1']);
    await table.store.subscribe('twice', now(), ['t1']);
    expect((await table.store.membersOf('t1')).subscribers).toEqual(['twice']);
  });

  it('writes many topics in batches of 25', async () => {
    counter.reset();
    const topics = Array.from({ length: 60 }, (_, n) => `batch-${n}`);
    await table.store.subscribe('many', now(), topics);
    expect(counter.get('BatchWriteItemCommand')).toBe(3);
    expect((await table.store.topicsOf('many')).length).toBe(60);
    counter.reset();
    await table.store.unsubscribe('many', topics);
    expect(counter.get('BatchWriteItemCommand')).toBe(3);
    expect(await table.store.topicsOf('many')).toEqual([]);
  });

  it('leaves expired subscriptions out of a topic, but not out of a connection’s cleanup', async () => {
    await table.store.subscribe('live', now(), ['mixed']);
    // An item DynamoDB has not reaped yet: expired an hour ago.
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          pk: { S: 't#mixed' }, sk: { S: 'c#dead' }, gsi1pk: { S: 'c#dead' }, gsi1sk: { S: 't#mixed' },
          topic: { S: 'mixed' }, connectionId: { S: 'dead' }, subscribedAt: { N: '1' },
          expiresAt: { N: String(nowInSeconds() - 3600) },
          __edb_e__: { S: 'subscription' }, __edb_v__: { S: '1' },
        },
      }),
    );
    expect((await table.store.membersOf('mixed')).subscribers).toEqual(['live']);
    expect(await table.store.topicsOf('dead')).toEqual(['mixed']);
  });

  it('reads every page of a topic', async () => {
    const ids = Array.from({ length: 12 }, (_, n) => `paged-${n}`);
    for (const id of ids) await table.store.subscribe(id, now(), ['paged']);
    // Force pages of 5 at the SDK boundary, as 1 MB pages would on a large topic.
    table.client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as QueryCommandInput;
        if (input.KeyConditionExpression) input.Limit = 5;
        return next(args);
      },
      { step: 'initialize', name: 'smallPages' },
    );
    counter.reset();
    try {
      expect([...(await table.store.membersOf('paged')).subscribers].sort()).toEqual(ids.sort());
      expect(counter.get('QueryCommand')).toBeGreaterThanOrEqual(3);
    } finally {
      table.client.middlewareStack.remove('smallPages');
    }
  });

  it('retries items that come back unprocessed, and gives up with a clear error', async () => {
    let throttleNext = 2;
    // Throttling cannot be caused on DynamoDB Local: answer at the SDK boundary instead,
    // as DynamoDB does under load: nothing written, every item handed back unprocessed.
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchWriteItemCommand' || throttleNext <= 0) return next(args);
        throttleNext--;
        const input = args.input as BatchWriteItemCommandInput;
        return { output: { UnprocessedItems: input.RequestItems, $metadata: {} }, response: {} };
      },
      { step: 'initialize', name: 'unprocessed' },
    );
    try {
      await table.store.subscribe('throttled', now(), ['u1', 'u2']);
      expect(throttleNext).toBe(0);
      expect((await table.store.topicsOf('throttled')).sort()).toEqual(['u1', 'u2']);

      throttleNext = 1_000;
      await expect(table.store.subscribe('hopeless', now(), ['u3'])).rejects.toBeInstanceOf(UnprocessedItemsError);
    } finally {
      table.client.middlewareStack.remove('unprocessed');
    }
  });

  it('stores the connection with its expiry', async () => {
    const connectedAt = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
    await table.store.putConnection({
      connectionId: 'Conn-1=', connectedAt, sourceIp: '127.0.0.1', userAgent: 'y-webrtc test', principalId: 'user-7',
    });
    const read = () =>
      table.client.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 'c#Conn-1=' }, sk: { S: 'connection' } }, ConsistentRead: true }));
    // API Gateway ends a connection after 2 hours at the latest; TTL may reap it after the grace.
    const expiresAt = Math.floor(connectedAt / 1000) + 2 * 3600 + defaultLimits.expiryGraceSeconds;
    expect((await read()).Item).toEqual({
      pk: { S: 'c#Conn-1=' }, sk: { S: 'connection' }, gsi1pk: { S: 'c#Conn-1=' }, gsi1sk: { S: 'connection' },
      connectionId: { S: 'Conn-1=' }, connectedAt: { N: String(connectedAt) }, expiresAt: { N: String(expiresAt) },
      sourceIp: { S: '127.0.0.1' }, userAgent: { S: 'y-webrtc test' }, principalId: { S: 'user-7' },
      __edb_e__: { S: 'connection' }, __edb_v__: { S: '1' },
    });
    await table.store.deleteConnection('Conn-1=');
    expect((await read()).Item).toBeUndefined();
    await table.store.deleteConnection('Conn-1=');
  });
});
