import { beforeAll, describe, expect, it } from 'vitest';
import { scopeFromClaim } from '../../src/signaling/room-scope.js';
import { defaultLimits } from '../../src/config/limits.js';
import { receiveMessage } from '../../src/signaling/message-receiver.js';
import type { ConnectionSender } from '../../src/signaling/ports.js';
import { PublishRateLimiter } from '../../src/signaling/publish-rate-limiter.js';
import { createTestTable, type TestTable } from '../support/table.js';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});

const sent: [string, string][] = [];
const sender: ConnectionSender = {
  send: async (connectionId, data) => {
    sent.push([connectionId, data]);
    return 'delivered';
  },
};

function dependencies(overrides: Partial<typeof defaultLimits> = {}) {
  const limits = { ...defaultLimits, ...overrides };
  return { store: table.store, sender, limits, publishLimiter: new PublishRateLimiter(limits.publishesPerSecond, limits.publishBurst) };
}

const subscribe = (...topics: string[]) => JSON.stringify({ type: 'subscribe', topics });

describe('receiveMessage limits', () => {
  it('refuses a subscribe that would pass the topics per connection, counting re-subscribes once', async () => {
    const deps = dependencies({ maxTopicsPerConnection: 3 });
    const from = { connectionId: 'limited', connectedAt: Date.now(), receivedAt: Date.now() };
    expect(await receiveMessage(from, subscribe('a', 'b'), deps)).toMatchObject({ ok: true });
    expect(await receiveMessage(from, subscribe('a', 'b', 'c'), deps)).toMatchObject({ ok: true });
    expect(await receiveMessage(from, subscribe('a', 'b', 'c'), deps)).toMatchObject({ ok: true });
    expect(await receiveMessage(from, subscribe('d'), deps)).toMatchObject({ ok: false, reason: 'too-many-subscriptions' });
    expect((await table.store.roomsOf('limited')).map((room) => room.topic).sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses publishes past the burst without sending them', async () => {
    const deps = dependencies({ publishBurst: 2, publishesPerSecond: 1 });
    const from = { connectionId: 'chatty', connectedAt: Date.now(), receivedAt: Date.now() };
    await receiveMessage({ connectionId: 'listener', connectedAt: Date.now(), receivedAt: Date.now() }, subscribe('rate'), deps);
    sent.length = 0;
    const publish = JSON.stringify({ type: 'publish', topic: 'rate' });
    const outcomes = [];
    for (let n = 0; n < 4; n++) outcomes.push(await receiveMessage(from, publish, deps));
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.reason))).toEqual(['ok', 'ok', 'rate-limited', 'rate-limited']);
    expect(sent).toHaveLength(2);
  });

  it('keeps a connection to its rooms', async () => {
    const deps = dependencies();
    const from = { connectionId: 'scoped', connectedAt: Date.now(), receivedAt: Date.now(), scope: scopeFromClaim(['mine', 'team/*']) };
    expect(await receiveMessage(from, subscribe('mine', 'team/x'), deps)).toMatchObject({ ok: true });
    expect(await receiveMessage(from, subscribe('mine', 'theirs'), deps)).toMatchObject({ ok: false, reason: 'forbidden-topic' });
    expect(await receiveMessage(from, JSON.stringify({ type: 'publish', topic: 'theirs' }), deps)).toMatchObject({ ok: false, reason: 'forbidden-topic' });
    expect((await table.store.roomsOf('scoped')).map((room) => room.topic).sort()).toEqual(['mine', 'team/x']);
  });
});
