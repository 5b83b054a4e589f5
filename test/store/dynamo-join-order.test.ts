import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/config/limits.js';
import { audienceOf } from '../../src/signaling/audience.js';
import { subscribe, unsubscribe } from '../../src/signaling/subscribe.js';
import { CommandCounter } from '../../src/tools/command-counter.js';
import { createTestTable, type TestTable } from '../support/table.js';

let table: TestTable;
let counter: CommandCounter;
beforeAll(async () => {
  table = await createTestTable();
  counter = new CommandCounter(table.client);
});

const deps = () => ({ store: table.store, limits: defaultLimits, joinOrder: table.joinOrder });
const who = (connectionId: string) => ({ connectionId, connectedAt: Date.now() });
const announce = (topic: string, from: string) => ({ type: 'publish' as const, topic, data: { type: 'announce', from } });

describe('DynamoJoinOrder on DynamoDB Local', () => {
  it('gives places in the order of the writes, with no ties, however many join at once', async () => {
    const ids = Array.from({ length: 25 }, (_, n) => `Conn+${n}=`);
    await Promise.all(ids.map((id) => table.store.subscribe(id, Date.now(), ['crowd'])));
    await Promise.all(ids.map((id) => table.joinOrder.place('crowd', id)));
    const room = await table.joinOrder.room('crowd');
    expect([...room.subscribers].sort()).toEqual([...ids].sort());
    expect([...room.places.values()].sort((a, b) => a - b)).toEqual(ids.map((_, n) => n + 1));
  });

  it('never moves a place: subscribe is re-sent often', async () => {
    await subscribe(who('first'), ['stay'], deps());
    await subscribe(who('second'), ['stay'], deps());
    await subscribe(who('first'), ['stay'], deps());
    await table.joinOrder.place('stay', 'first');
    expect([...(await table.joinOrder.room('stay')).places]).toEqual([['first', 1], ['second', 2]]);
  });

  it('reads subscribers and places in one strongly consistent Query', async () => {
    await subscribe(who('reader'), ['one-read'], deps());
    counter.reset();
    await table.joinOrder.room('one-read');
    expect(counter.snapshot()).toEqual({ QueryCommand: 1 });
  });

  it('unsubscribe gives the place up, and a later subscribe joins at the end', async () => {
    for (const id of ['u1', 'u2']) await subscribe(who(id), ['again'], deps());
    await unsubscribe(who('u1'), ['again'], deps());
    expect([...(await table.joinOrder.room('again')).places]).toEqual([['u2', 2]]);
    await subscribe(who('u1'), ['again'], deps());
    expect((await table.joinOrder.room('again')).places.get('u1')).toBe(3);
  });

  it('forgets a leftover place only while its connection has no subscription', async () => {
    for (const id of ['stays', 'left']) await subscribe(who(id), ['leftovers'], deps());
    // The cleanup deletes subscriptions only; the place stays behind.
    await table.store.unsubscribe('left', ['leftovers']);
    const room = await table.joinOrder.room('leftovers');
    expect(room.places.get('left')).toBe(2);

    // Subscribed again in the meantime: the place others may have been ordered by stays.
    await table.store.subscribe('left', Date.now(), ['leftovers']);
    await table.joinOrder.forget('leftovers', new Map([['left', 2]]));
    expect((await table.joinOrder.room('leftovers')).places.get('left')).toBe(2);

    await table.store.unsubscribe('left', ['leftovers']);
    await table.joinOrder.forget('leftovers', new Map([['left', 2]]));
    expect([...(await table.joinOrder.room('leftovers')).places]).toEqual([['stays', 1]]);
  });

  it('forgets the place of a connection whose subscription has expired (TTL has not deleted it yet)', async () => {
    await subscribe(who('expired'), ['expiring'], deps());
    const threeHoursAgo = Date.now() - 3 * 60 * 60 * 1000;
    await table.store.subscribe('expired', threeHoursAgo, ['expiring']);
    const room = await table.joinOrder.room('expiring');
    expect(room.subscribers).toEqual([]);
    await table.joinOrder.forget('expiring', room.places);
    expect((await table.joinOrder.room('expiring')).places.size).toBe(0);
  });

  it('writes no order item when a connection leaves a room that has none', async () => {
    await unsubscribe(who('nobody'), ['no-order'], deps());
    const room = await table.joinOrder.room('no-order');
    expect(room).toEqual({ subscribers: [], peerIds: new Map(), places: new Map() });
  });
});

describe('audienceOf with the join order', () => {
  it('an announce handled before its own subscribe subscribes and places its sender, which receives it', async () => {
    await subscribe(who('early'), ['out-of-order'], deps());
    const audience = await audienceOf(announce('out-of-order', 'p-late'), who('late'), deps());
    expect(audience).toMatchObject({ ok: true, receivers: ['early', 'late'], subscribers: 2, ordered: true });
    // The subscribe frame arrives after: nothing moves.
    await subscribe(who('late'), ['out-of-order'], deps());
    expect([...(await table.joinOrder.room('out-of-order')).places]).toEqual([['early', 1], ['late', 2]]);
    const earlier = await audienceOf(announce('out-of-order', 'p-early'), who('early'), deps());
    expect(earlier).toMatchObject({ receivers: ['early'], subscribers: 2 });
  });

  it('sends anything but an announce to every subscriber, placed or not', async () => {
    await subscribe(who('s1'), ['signals'], deps());
    await table.store.subscribe('s2', Date.now(), ['signals']);
    const signal = { type: 'publish' as const, topic: 'signals', data: { type: 'signal', to: 'x', from: 'y' } };
    const audience = await audienceOf(signal, who('outsider'), deps());
    expect(audience).toMatchObject({ receivers: expect.arrayContaining(['s1', 's2']), subscribers: 2, ordered: false });
    expect((await table.joinOrder.room('signals')).subscribers).not.toContain('outsider');
  });

  it('refuses an announce that would pass the topics-per-connection limit, and records nothing', async () => {
    const limits = { ...defaultLimits, maxTopicsPerConnection: 1 };
    await subscribe(who('full'), ['mine'], { ...deps(), limits });
    const refused = await audienceOf(announce('not-mine', 'p'), who('full'), { ...deps(), limits });
    expect(refused).toMatchObject({ ok: false, reason: 'too-many-subscriptions' });
    expect(await table.joinOrder.room('not-mine')).toEqual({ subscribers: [], peerIds: new Map(), places: new Map() });
  });

  it('with JOIN_ORDER=arrival, sends an announce to every subscriber and writes no place', async () => {
    await table.store.subscribe('r1', Date.now(), ['arrival']);
    await table.store.subscribe('r2', Date.now(), ['arrival']);
    const audience = await audienceOf(announce('arrival', 'p'), who('r1'), { store: table.store, limits: defaultLimits });
    expect(audience).toMatchObject({ receivers: expect.arrayContaining(['r1', 'r2']), subscribers: 2, ordered: false });
    expect((await table.joinOrder.room('arrival')).places.size).toBe(0);
  });
});
