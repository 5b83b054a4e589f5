import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import type { RejectionReason } from '../../src/protocol/rejection.js';
import { CountedMetrics } from '../support/metrics.js';
import { allItems, eventually, startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

let runtime: LocalRuntime;
const counted = CountedMetrics.start();
let reasonsMark = 0;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime?.stop());

const topics = (count: number) => Array.from({ length: count }, (_, n) => `t${n}`);
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Each hostile frame and the reason it is refused with. None gets an answer or changes the table. */
const hostileFrames: readonly (readonly [string, string, RejectionReason])[] = [
  ['not JSON', 'hello', 'not-json'],
  ['empty frame', '', 'not-json'],
  ['truncated JSON', '{"type":"subscribe","topics":["a"]', 'not-json'],
  ['array', '["subscribe"]', 'not-object'],
  ['null', 'null', 'not-object'],
  ['number', '42', 'not-object'],
  ['string', '"publish"', 'not-object'],
  ['no type', '{}', 'unknown-type'],
  ['unknown type', '{"type":"shout","topic":"r"}', 'unknown-type'],
  ['type is a number', '{"type":7}', 'unknown-type'],
  ['type __proto__', '{"type":"__proto__","topics":["r"]}', 'unknown-type'],
  ['type constructor', '{"type":"constructor"}', 'unknown-type'],
  ['type of a connection route', '{"type":"$connect"}', 'unknown-type'],
  ['type hidden in __proto__', '{"__proto__":{"type":"subscribe","topics":["r"]}}', 'unknown-type'],
  ['subscribe without topics', '{"type":"subscribe"}', 'invalid-topics'],
  ['topics is a string', '{"type":"subscribe","topics":"room"}', 'invalid-topics'],
  ['topics hold numbers', '{"type":"subscribe","topics":["ok",1]}', 'invalid-topics'],
  ['topics is an object', '{"type":"unsubscribe","topics":{"0":"r"}}', 'invalid-topics'],
  ['empty topic', '{"type":"subscribe","topics":["ok",""]}', 'empty-topic'],
  ['topic too long', JSON.stringify({ type: 'subscribe', topics: ['ok', 'x'.repeat(513)] }), 'topic-too-long'],
  ['topic too long in UTF-8', JSON.stringify({ type: 'subscribe', topics: ['é'.repeat(257)] }), 'topic-too-long'],
  ['lone surrogate in topic', '{"type":"subscribe","topics":["\\ud800"]}', 'invalid-topic'],
  ['too many topics', JSON.stringify({ type: 'subscribe', topics: topics(33) }), 'too-many-topics'],
  ['publish without topic', '{"type":"publish","data":{}}', 'invalid-topic'],
  ['publish topic is an array', '{"type":"publish","topic":["sync"]}', 'invalid-topic'],
  ['publish to empty topic', '{"type":"publish","topic":""}', 'empty-topic'],
  ['message over 32 KB', JSON.stringify({ type: 'publish', topic: 'sync', data: 'x'.repeat(40_000) }), 'too-large'],
  ['deep nesting', `{"type":"publish","topic":"sync","data":${nested(16_000)}}`, 'too-deep'],
  ['nesting one too deep', `{"type":"publish","topic":"sync","data":${nested(32)}}`, 'too-deep'],
  ['brackets inside strings do not count', JSON.stringify({ type: 'publish', topic: '', data: '[[[['.repeat(99) }), 'empty-topic'],
];

function rejectionReasons(): string[] {
  return counted.rejectionReasons(reasonsMark);
}

describe('hostile input', () => {
  it('refuses every hostile frame with its reason, answers nothing and changes no item', async () => {
    const client = await TestClient.connect(runtime.url);
    const bystander = await TestClient.connect(runtime.url);
    // Joined as y-webrtc joins: in the room once each one's own announce comes back.
    const join = async (peer: TestClient, from: string) => {
      peer.send({ type: 'subscribe', topics: ['sync'] });
      peer.send({ type: 'publish', topic: 'sync', data: { type: 'announce', from } });
      await eventually(() => peer.received.some((message) => (message as { data?: { from?: string } }).data?.from === from), 20_000, `${from} in the room`);
    };
    await join(client, 'client');
    await join(bystander, 'bystander');
    await eventually(() => bystander.received.length === 1 && client.received.length === 2, 20_000, 'announces delivered');
    const before = await allItems(runtime);
    const received = [client.received.length, bystander.received.length] as const;
    reasonsMark = counted.dimensionMark();

    for (const [, frame] of hostileFrames) client.send(frame);
    // Done when every frame has been refused and counted: what an operator sees. The gateway
    // may hand the frames over in any order, so the reasons are compared as a multiset.
    await eventually(() => rejectionReasons().length >= hostileFrames.length, 20_000, 'every hostile frame refused');
    expect(rejectionReasons().sort()).toEqual(hostileFrames.map(([, , reason]) => reason).sort());
    // Nothing was answered or fanned out: a publish sent now is the first thing either receives.
    client.send({ type: 'publish', topic: 'sync', n: 1 });
    await bystander.receivedCount(received[1] + 1, 20_000);
    await client.receivedCount(received[0] + 1, 20_000);
    expect(client.received.slice(received[0])).toEqual([{ type: 'publish', topic: 'sync', n: 1, clients: 2 }]);
    expect(bystander.received.slice(received[1])).toEqual([{ type: 'publish', topic: 'sync', n: 1, clients: 2 }]);
    expect(sortItems(await allItems(runtime))).toEqual(sortItems(before));
    expect(client.closed).toBe(false);
    await Promise.all([client.close(), bystander.close()]);
  });

  it('closes a connection that sends a frame over the 128 KB message limit, and only that one', async () => {
    const offender = await TestClient.connect(runtime.url);
    const other = await TestClient.connect(runtime.url);
    const closed = new Promise<number>((resolve) => offender.socket.once('close', (code) => resolve(code)));
    offender.send(JSON.stringify({ type: 'publish', topic: 'x', data: 'y'.repeat(130 * 1024) }));
    expect(await closed).toBe(1009);
    other.send({ type: 'ping' });
    expect(await other.next()).toEqual({ type: 'pong' });
    await other.close();
  });

  it('closes a connection that sends a binary frame, as API Gateway does', async () => {
    const client = await TestClient.connect(runtime.url);
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await closed).toBe(1003);
  });
});

function sortItems(items: Record<string, unknown>[]): string[] {
  return items.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort();
}
