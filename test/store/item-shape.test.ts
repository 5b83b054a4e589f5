import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSignalingService, type SignalingService } from '../../src/store/entities.js';
import { expiryOf } from '../../src/store/expiry.js';
import { defaultLimits } from '../../src/config/limits.js';
import { createTestTable, type TestTable } from '../support/table.js';

/**
 * The functions write and read the table without ElectroDB (it cost a third of every cold
 * start: docs/deploy.md, "Cold start"), in the shape ElectroDB gave its items. ElectroDB's
 * entities (src/store/entities.ts) are the reference: what each writes, the other reads, so
 * a table written by either version of the functions works with the other.
 */
let ours: TestTable;
let theirs: TestTable;
let electro: SignalingService;

beforeAll(async () => {
  [ours, theirs] = await Promise.all([createTestTable(), createTestTable()]);
  electro = createSignalingService(DynamoDBDocumentClient.from(theirs.client), theirs.tableName);
});

async function itemsOf(table: TestTable): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await table.client.send(new ScanCommand({ TableName: table.tableName }));
  return Items.map((item) => unmarshall(item)).sort((a, b) => `${a['pk']}${a['sk']}`.localeCompare(`${b['pk']}${b['sk']}`));
}

describe("the table's items, written without ElectroDB", () => {
  it('puts a connection item exactly as the ElectroDB entity put it, and deletes it by the same key', async () => {
    const connection = { connectionId: 'conn-A=', connectedAt: 1_796_000_000_000, sourceIp: '127.0.0.1', userAgent: 'test', principalId: 'ada' };
    await ours.store.putConnection(connection);
    await electro.entities.connection.put({ ...connection, expiresAt: expiryOf(connection.connectedAt, defaultLimits) }).go();
    const [mine, reference] = [await itemsOf(ours), await itemsOf(theirs)];
    expect(mine).toEqual(reference);
    expect(mine).toHaveLength(1);

    await ours.store.deleteConnection('conn-A=');
    await electro.entities.connection.delete({ connectionId: 'conn-A=' }).go();
    expect([await itemsOf(ours), await itemsOf(theirs)]).toEqual([[], []]);
  });

  it("reads the room's members and a connection's rooms from items ElectroDB wrote, and ElectroDB reads ours", async () => {
    const now = Date.now();
    const expiresAt = expiryOf(now, defaultLimits);
    await electro.entities.subscription
      .put([
        { topic: 'Room É', connectionId: 'b', expiresAt, joinedAt: now, changedAt: now, peerId: 'peer-b' },
        { topic: 'Room É', connectionId: 'c', expiresAt, changedAt: now, leftAt: now },
        { topic: 'other', connectionId: 'b', expiresAt, joinedAt: now, changedAt: now },
      ])
      .go();
    const theirStore = theirs.store;
    const members = await theirStore.membersOf('Room É');
    expect(members.subscribers).toEqual(['b']);
    expect([...members.peerIds]).toEqual([['b', 'peer-b']]);
    expect([...members.joinedAt]).toEqual([['b', now]]);
    expect((await theirStore.roomsOf('b')).sort((x, y) => (x.topic < y.topic ? -1 : 1))).toEqual([
      { topic: 'Room É', left: false },
      { topic: 'other', left: false },
    ]);
    expect(await theirStore.roomsOf('c')).toEqual([{ topic: 'Room É', left: true }]);

    // What the functions write, ElectroDB's queries find, by room and by connection.
    await theirStore.subscribe({ connectionId: 'd', connectedAt: now, at: now + 1 }, ['Room É']);
    const { data: inRoom } = await electro.entities.subscription.query.byTopic({ topic: 'Room É' }).go();
    expect(inRoom.map((item) => item.connectionId).sort()).toEqual(['b', 'c', 'd']);
    const { data: ofD } = await electro.entities.subscription.query.byConnection({ connectionId: 'd' }).go();
    expect(ofD.map((item) => [item.topic, item.joinedAt])).toEqual([['Room É', now + 1]]);

    await theirStore.removeSubscriptions('b', ['Room É', 'other']);
    expect(await theirStore.roomsOf('b')).toEqual([]);
  });
});
