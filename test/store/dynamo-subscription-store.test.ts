import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/config/limits.js';
import type { MembershipChange } from '../../src/signaling/ports.js';
import { UnprocessedItemsError } from '../../src/store/batch-retry.js';
import { nowInSeconds } from '../../src/store/expiry.js';
import { CommandCounter } from '../../src/tools/command-counter.js';
import { createTestTable, type TestTable } from '../support/table.js';

let table: TestTable;
let counter: CommandCounter;
beforeAll(async () => {
  table = await createTestTable();
  counter = new CommandCounter(table.dynamoDb);
});

const connectedAt = Date.now();
/** A change of `connectionId` stamped `at` ms after its connection opened. */
const at = (connectionId: string, ms: number): MembershipChange => ({ connectionId, connectedAt, at: connectedAt + ms });
const topicsOf = async (connectionId: string, left = false) =>
  (await table.store.roomsOf(connectionId))
    .filter((room) => room.left === left)
    .map((room) => room.topic)
    .sort();
const subscribers = async (topic: string) => [...(await table.store.membersOf(topic)).subscribers].sort();

describe('DynamoSubscriptionStore', () => {
  it('keeps the case of topics and connection ids', async () => {
    await table.store.subscribe(at('AbC=', 1), ['Room', 'room', 'ROOM']);
    expect(await subscribers('Room')).toEqual(['AbC=']);
    expect(await topicsOf('AbC=')).toEqual(['ROOM', 'Room', 'room']);
    expect(await topicsOf('abc=')).toEqual([]);
  });

  it('says whether a subscribe joined the room or kept the membership it had, and when that joined', async () => {
    expect(await table.store.subscribe(at('says', 10), ['s'])).toEqual([{ topic: 's', joined: true, joinedAt: connectedAt + 10 }]);
    expect(await table.store.subscribe(at('says', 20), ['s'])).toEqual([{ topic: 's', joined: false, joinedAt: connectedAt + 10 }]);
    // Older than the newest change, and than the membership: with no leave known in between, the membership began there.
    expect(await table.store.subscribe(at('says', 5), ['s'])).toEqual([{ topic: 's', joined: false, joinedAt: connectedAt + 5 }]);
    await table.store.unsubscribe(at('says', 30), ['s']);
    expect(await table.store.subscribe(at('says', 25), ['s'])).toEqual([{ topic: 's', joined: false, joinedAt: undefined }]);
    expect(await table.store.subscribe(at('says', 40), ['s'])).toEqual([{ topic: 's', joined: true, joinedAt: connectedAt + 40 }]);
  });

  it('applies a connection’s changes in the order of their stamps, whatever order they run in', async () => {
    // Run in reverse: the unsubscribe stamped 20 first, then the subscribe stamped 10, which is older.
    await table.store.unsubscribe(at('late', 20), ['r']);
    await table.store.subscribe(at('late', 10), ['r']);
    expect(await subscribers('r')).toEqual([]);
    expect(await topicsOf('late', true)).toEqual(['r']);
    // A newer subscribe undoes the leave; an older unsubscribe then changes nothing.
    await table.store.subscribe(at('late', 30), ['r']);
    await table.store.unsubscribe(at('late', 25), ['r']);
    expect(await subscribers('r')).toEqual(['late']);
  });

  it('splits a membership that a subscribe from after a leave renewed before the leave ran: the connection left and came back', async () => {
    await table.store.subscribe(at('split', 10), ['sp']);
    await table.store.recordPeerId('sp', 'split', 'before-the-leave', connectedAt + 15);
    await table.store.subscribe(at('split', 30), ['sp']);
    // The leave stamped 20 runs last: the membership of 10 ended there, and one began at 20 at the latest.
    expect(await table.store.unsubscribe(at('split', 20), ['sp'])).toEqual([{ topic: 'sp', joinedAt: connectedAt + 20 }]);
    const members = await table.store.membersOf('sp');
    expect(members.joinedAt.get('split')).toBe(connectedAt + 20);
    expect(members.peerIds).toEqual(new Map());
    // A late subscribe from before the leave cannot move the beginning back past it.
    expect(await table.store.subscribe(at('split', 12), ['sp'])).toEqual([{ topic: 'sp', joined: false, joinedAt: connectedAt + 20 }]);
    // A peer id recorded after the leave stays when a leave that is older still runs late.
    await table.store.recordPeerId('sp', 'split', 'after-the-leave', connectedAt + 25);
    expect(await table.store.unsubscribe(at('split', 18), ['sp'])).toEqual([]);
    expect((await table.store.membersOf('sp')).peerIds.get('split')).toBe('after-the-leave');
  });

  it('lets a subscribe win a tie with an unsubscribe (the same millisecond), whichever runs first', async () => {
    await table.store.unsubscribe(at('tie-1', 10), ['t']);
    await table.store.subscribe(at('tie-1', 10), ['t']);
    await table.store.subscribe(at('tie-2', 10), ['t']);
    await table.store.unsubscribe(at('tie-2', 10), ['t']);
    expect(await subscribers('t')).toEqual(['tie-1', 'tie-2']);
  });

  it('records the peer id a subscriber signs with, keeps it through repeated subscribes, and drops it when the connection leaves', async () => {
    await table.store.subscribe(at('signer', 10), ['peers', 'other']);
    await table.store.subscribe(at('quiet', 10), ['peers']);
    await table.store.recordPeerId('peers', 'signer', 'peer-a', connectedAt + 11);
    const recorded = new Map([['signer', 'peer-a']]);
    expect((await table.store.membersOf('peers')).peerIds).toEqual(recorded);
    expect((await table.joinOrder.room('peers')).peerIds).toEqual(recorded);
    expect((await table.store.membersOf('other')).peerIds).toEqual(new Map());
    // A subscribe that lands later, stamped before or after, keeps it.
    await table.store.subscribe(at('signer', 9), ['peers']);
    await table.store.subscribe(at('signer', 12), ['peers']);
    expect((await table.store.membersOf('peers')).peerIds).toEqual(recorded);
    // An older record never replaces a newer one.
    await table.store.recordPeerId('peers', 'signer', 'peer-old', connectedAt + 10);
    expect((await table.store.membersOf('peers')).peerIds).toEqual(recorded);

    await table.store.unsubscribe(at('signer', 20), ['peers']);
    await table.store.recordPeerId('peers', 'signer', 'peer-a', connectedAt + 21);
    expect(await table.store.membersOf('peers')).toEqual({ subscribers: ['quiet'], peerIds: new Map(), joinedAt: new Map([['quiet', connectedAt + 10]]) });
    // Back in the room: a publish of the earlier membership cannot record its peer id on the new one.
    await table.store.subscribe(at('signer', 30), ['peers']);
    await table.store.recordPeerId('peers', 'signer', 'peer-a', connectedAt + 15);
    expect((await table.store.membersOf('peers')).peerIds).toEqual(new Map());
  });

  it('never records a peer id on a subscription that does not exist', async () => {
    await table.store.recordPeerId('nowhere', 'stranger', 'peer-x', connectedAt);
    expect(await table.store.roomsOf('stranger')).toEqual([]);
  });

  it('marks a left room with an item that expires with the connection, that fan-outs never see and the cleanup deletes', async () => {
    await table.store.unsubscribe(at('marker', 10), ['never-joined']);
    expect(await table.store.membersOf('never-joined')).toEqual({ subscribers: [], peerIds: new Map(), joinedAt: new Map() });
    expect((await table.joinOrder.room('never-joined')).subscribers).toEqual([]);
    const { Item } = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 't#never-joined' }, sk: { S: 'c#marker' } }, ConsistentRead: true }),
    );
    expect(Item?.['expiresAt']).toEqual({ N: String(Math.floor(connectedAt / 1000) + defaultLimits.maxConnectionSeconds + defaultLimits.expiryGraceSeconds) });
    expect(Item?.['gsi1pk']).toEqual({ S: 'c#marker' });
    expect(await table.store.roomsOf('marker')).toEqual([{ topic: 'never-joined', left: true }]);
    await table.store.removeSubscriptions('marker', ['never-joined']);
    expect(await table.store.roomsOf('marker')).toEqual([]);
  });

  it('writes one UpdateItem per room and change, and deletes in batches of 25', async () => {
    const topics = Array.from({ length: 60 }, (_, n) => `batch-${n}`);
    counter.reset();
    await table.store.subscribe(at('many', 10), topics);
    expect(counter.snapshot()).toEqual({ UpdateItem: 60 });
    expect((await topicsOf('many')).length).toBe(60);
    counter.reset();
    await table.store.unsubscribe(at('many', 20), topics);
    expect(counter.snapshot()).toEqual({ UpdateItem: 60 });
    expect(await topicsOf('many')).toEqual([]);
    counter.reset();
    await table.store.removeSubscriptions('many', topics);
    expect(counter.snapshot()).toEqual({ BatchWriteItem: 3 });
    expect(await table.store.roomsOf('many')).toEqual([]);
  });

  it('leaves expired subscriptions out of a topic, but not out of a connection’s cleanup', async () => {
    await table.store.subscribe(at('live', 1), ['mixed']);
    // An item DynamoDB has not reaped yet: expired an hour ago.
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          pk: { S: 't#mixed' }, sk: { S: 'c#dead' }, gsi1pk: { S: 'c#dead' }, gsi1sk: { S: 't#mixed' },
          topic: { S: 'mixed' }, connectionId: { S: 'dead' }, joinedAt: { N: '1' }, changedAt: { N: '1' },
          expiresAt: { N: String(nowInSeconds() - 3600) },
          __edb_e__: { S: 'subscription' }, __edb_v__: { S: '1' },
        },
      }),
    );
    expect(await subscribers('mixed')).toEqual(['live']);
    expect((await table.joinOrder.room('mixed')).subscribers).toEqual(['live']);
    expect(await table.store.roomsOf('dead')).toEqual([{ topic: 'mixed', left: false }]);
  });

  it('reads every page of a topic', async () => {
    const ids = Array.from({ length: 12 }, (_, n) => `paged-${n}`);
    for (const id of ids) await table.store.subscribe(at(id, 1), ['paged']);
    // Force pages of 5 at the client boundary, as 1 MB pages would on a large topic.
    const removeSmallPages = table.dynamoDb.intercept({
      call: (call, next) => {
        if (call.operation === 'Query') call.input['Limit'] = 5;
        return next(call);
      },
    });
    counter.reset();
    try {
      expect(await subscribers('paged')).toEqual(ids.sort());
      expect(counter.get('Query')).toBeGreaterThanOrEqual(3);
    } finally {
      removeSmallPages();
    }
  });

  it('retries deletes that come back unprocessed, and gives up with a clear error', async () => {
    await table.store.subscribe(at('throttled', 1), ['u1', 'u2']);
    await table.store.subscribe(at('hopeless', 1), ['u3']);
    let throttleNext = 2;
    // Throttling cannot be caused on DynamoDB Local: answer at the client boundary instead,
    // as DynamoDB does under load: nothing written, every item handed back unprocessed.
    const removeUnprocessed = table.dynamoDb.intercept({
      call: async (call, next) => {
        if (call.operation !== 'BatchWriteItem' || throttleNext <= 0) return next(call);
        throttleNext--;
        return { UnprocessedItems: call.input['RequestItems'] };
      },
    });
    try {
      await table.store.removeSubscriptions('throttled', ['u1', 'u2']);
      expect(throttleNext).toBe(0);
      expect(await table.store.roomsOf('throttled')).toEqual([]);

      throttleNext = 1_000;
      await expect(table.store.removeSubscriptions('hopeless', ['u3'])).rejects.toBeInstanceOf(UnprocessedItemsError);
    } finally {
      removeUnprocessed();
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
