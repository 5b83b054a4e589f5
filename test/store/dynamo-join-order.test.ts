import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/config/limits.js';
import type { PublishMessage } from '../../src/protocol/messages.js';
import { audienceOf } from '../../src/signaling/audience.js';
import { placeOf } from '../../src/signaling/join-order.js';
import type { MembershipChange, RoomView } from '../../src/signaling/ports.js';
import { writeBeforeFanOut, type PublishWriteDependencies } from '../../src/signaling/publish-writes.js';
import { subscribe, unsubscribe } from '../../src/signaling/subscribe.js';
import { CommandCounter } from '../../src/tools/command-counter.js';
import { createTestTable, type TestTable } from '../support/table.js';

let table: TestTable;
let counter: CommandCounter;
beforeAll(async () => {
  table = await createTestTable();
  counter = new CommandCounter(table.dynamoDb);
});

const deps = () => ({ store: table.store, limits: defaultLimits, joinOrder: table.joinOrder, recordsPeerIds: true });
let clock = Date.now();
/** A frame of `connectionId`, stamped later than every frame before it. */
const who = (connectionId: string, connectedAt = Date.now()): MembershipChange => ({ connectionId, connectedAt, at: ++clock });
const announce = (topic: string, from: string): PublishMessage => ({ type: 'publish', topic, data: { type: 'announce', from } });
/** Each subscriber's place of its current membership, in the order of places. */
const placesIn = (room: RoomView) =>
  [...room.subscribers]
    .map((id) => [id, placeOf(room, id)] as const)
    .filter(([, place]) => place !== undefined)
    .sort(([, a], [, b]) => a! - b!);

/** What a publish does before its fan-out, then whom it reaches. */
async function audienceOfPublish(message: PublishMessage, sender: MembershipChange, dependencies: PublishWriteDependencies = deps()) {
  const read = dependencies.joinOrder ? await table.joinOrder.room(message.topic) : await table.store.membersOf(message.topic);
  const prepared = await writeBeforeFanOut(message, sender, read, dependencies);
  return prepared.ok ? audienceOf(message, sender, prepared.room, {}) : prepared;
}

describe('DynamoJoinOrder on DynamoDB Local', () => {
  it('gives places in the order of the writes, with no ties, however many join at once', async () => {
    const ids = Array.from({ length: 25 }, (_, n) => `Conn+${n}=`);
    const changes = ids.map((id) => who(id));
    await Promise.all(changes.map((change) => table.store.subscribe(change, ['crowd'])));
    await Promise.all(changes.map((change) => table.joinOrder.place('crowd', change.connectionId, change.at)));
    const room = await table.joinOrder.room('crowd');
    expect([...room.subscribers].sort()).toEqual([...ids].sort());
    expect(placesIn(room).map(([, place]) => place)).toEqual(ids.map((_, n) => n + 1));
  });

  it('never moves a place: subscribe is re-sent often', async () => {
    const first = who('first');
    await subscribe(first, ['stay'], deps());
    await subscribe(who('second'), ['stay'], deps());
    await subscribe(who('first'), ['stay'], deps());
    await table.joinOrder.place('stay', 'first', first.at);
    expect(placesIn(await table.joinOrder.room('stay'))).toEqual([['first', 1], ['second', 2]]);
  });

  it('reads subscribers and places in one strongly consistent Query', async () => {
    await subscribe(who('reader'), ['one-read'], deps());
    counter.reset();
    await table.joinOrder.room('one-read');
    expect(counter.snapshot()).toEqual({ Query: 1 });
  });

  it('ends the place with the membership, and a later subscribe joins at the end', async () => {
    for (const id of ['u1', 'u2']) await subscribe(who(id), ['again'], deps());
    counter.reset();
    await unsubscribe(who('u1'), ['again'], deps());
    // One write: the marker; the place is left for the next announce to forget.
    expect(counter.snapshot()).toEqual({ UpdateItem: 1 });
    const left = await table.joinOrder.room('again');
    expect(placesIn(left)).toEqual([['u2', 2]]);
    expect([...left.places.keys()].sort()).toEqual(['u1', 'u2']);
    await subscribe(who('u1'), ['again'], deps());
    expect(placeOf(await table.joinOrder.room('again'), 'u1')).toBe(3);
  });

  it('forgets a place only while it belongs to the membership seen ended', async () => {
    for (const id of ['stays', 'left']) await subscribe(who(id), ['leftovers'], deps());
    await unsubscribe(who('left'), ['leftovers'], deps());
    const ended = (await table.joinOrder.room('leftovers')).places.get('left')!;
    expect(ended.place).toBe(2);

    // Back in the room in the meantime: its new membership has its own place, which stays.
    await subscribe(who('left'), ['leftovers'], deps());
    await table.joinOrder.forget('leftovers', new Map([['left', ended]]));
    expect(placesIn(await table.joinOrder.room('leftovers'))).toEqual([['stays', 1], ['left', 3]]);

    await unsubscribe(who('left'), ['leftovers'], deps());
    const again = (await table.joinOrder.room('leftovers')).places.get('left')!;
    await table.joinOrder.forget('leftovers', new Map([['left', again]]));
    expect([...(await table.joinOrder.room('leftovers')).places.keys()]).toEqual(['stays']);
  });

  it('forgets the place of a connection whose subscription has expired (TTL has not deleted it yet)', async () => {
    const threeHoursAgo = Date.now() - 3 * 60 * 60 * 1000;
    await subscribe(who('expired', threeHoursAgo), ['expiring'], deps());
    const room = await table.joinOrder.room('expiring');
    expect(room.subscribers).toEqual([]);
    expect(room.places.size).toBe(1);
    await table.joinOrder.forget('expiring', room.places);
    expect((await table.joinOrder.room('expiring')).places.size).toBe(0);
  });

  it('writes no order item when a connection leaves a room that has none', async () => {
    await unsubscribe(who('nobody'), ['no-order'], deps());
    const room = await table.joinOrder.room('no-order');
    expect(room).toEqual({ subscribers: [], peerIds: new Map(), joinedAt: new Map(), changedAt: new Map(), places: new Map() });
  });
});

describe('a publish with the join order', () => {
  it('an announce handled before its own subscribe subscribes and places its sender, which receives it', async () => {
    await subscribe(who('early'), ['out-of-order'], deps());
    const late = who('late');
    const audience = await audienceOfPublish(announce('out-of-order', 'p-late'), { ...late, at: late.at + 1 });
    expect(audience).toMatchObject({ receivers: ['early', 'late'], subscribers: 2, ordered: true });
    // The subscribe frame (stamped before the announce) runs after: nothing moves, the peer id stays.
    await subscribe(late, ['out-of-order'], deps());
    const room = await table.joinOrder.room('out-of-order');
    expect(placesIn(room)).toEqual([['early', 1], ['late', 2]]);
    expect(room.peerIds.get('late')).toBe('p-late');
    expect(await audienceOfPublish(announce('out-of-order', 'p-early'), who('early'))).toMatchObject({ receivers: ['early'], subscribers: 2 });
  });

  it('an announce older than its connection’s unsubscribe neither joins the room nor reaches anyone', async () => {
    await subscribe(who('stayer'), ['gone-before'], deps());
    const announced = who('leaver');
    await unsubscribe(who('leaver'), ['gone-before'], deps());
    expect(await audienceOfPublish(announce('gone-before', 'p-leaver'), announced)).toMatchObject({ receivers: [], subscribers: 1 });
    const room = await table.joinOrder.room('gone-before');
    expect(room.subscribers).toEqual(['stayer']);
    expect(room.places.has('leaver')).toBe(false);
  });

  it('sends anything but an announce to every subscriber, placed or not', async () => {
    await subscribe(who('s1'), ['signals'], deps());
    await table.store.subscribe(who('s2'), ['signals']);
    const signal: PublishMessage = { type: 'publish', topic: 'signals', data: { type: 'signal', to: 'x', from: 'y' } };
    const audience = await audienceOfPublish(signal, who('outsider'));
    expect(audience).toMatchObject({ receivers: expect.arrayContaining(['s1', 's2']), subscribers: 2, ordered: false });
    expect((await table.joinOrder.room('signals')).subscribers).not.toContain('outsider');
  });

  it('refuses an announce that would pass the topics-per-connection limit, and records nothing', async () => {
    const limits = { ...defaultLimits, maxTopicsPerConnection: 1 };
    await subscribe(who('full'), ['mine'], { ...deps(), limits });
    const refused = await audienceOfPublish(announce('not-mine', 'p'), who('full'), { ...deps(), limits });
    expect(refused).toMatchObject({ ok: false, reason: 'too-many-subscriptions' });
    expect(await table.joinOrder.room('not-mine')).toEqual({ subscribers: [], peerIds: new Map(), joinedAt: new Map(), changedAt: new Map(), places: new Map() });
  });

  it('with JOIN_ORDER=arrival, sends an announce to every subscriber and writes no place', async () => {
    await table.store.subscribe(who('r1'), ['arrival']);
    await table.store.subscribe(who('r2'), ['arrival']);
    const arrival = { store: table.store, limits: defaultLimits, joinOrder: undefined, recordsPeerIds: false };
    const audience = await audienceOfPublish(announce('arrival', 'p'), who('r1'), arrival);
    expect(audience).toMatchObject({ receivers: expect.arrayContaining(['r1', 'r2']), subscribers: 2, ordered: false });
    expect((await table.joinOrder.room('arrival')).places.size).toBe(0);
  });
});
