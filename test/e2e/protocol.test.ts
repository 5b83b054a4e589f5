import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { startTestRuntime } from '../support/runtime.js';
import { settled, TestClient } from '../support/test-client.js';

let runtime: LocalRuntime;
const clients: TestClient[] = [];

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime?.stop());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function connect(): Promise<TestClient> {
  const client = await TestClient.connect(runtime.url);
  clients.push(client);
  return client;
}

describe('y-webrtc signaling protocol through the local runtime', () => {
  it('answers ping with pong', async () => {
    const client = await connect();
    client.send({ type: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
  });

  it('sends a publish to every subscriber, the sender included, with the receiver count', async () => {
    const [alice, bob, carol] = await Promise.all([connect(), connect(), connect()]);
    for (const client of [alice, bob]) {
      client.send({ type: 'subscribe', topics: ['Room One'] });
      await settled(client);
    }
    carol.send({ type: 'subscribe', topics: ['room one'] });
    await settled(carol);

    const announce = { type: 'publish', topic: 'Room One', data: { type: 'announce', from: 'peer-a' } };
    alice.send(announce);
    const expected = { ...announce, clients: 2 };
    expect(await alice.next()).toEqual(expected);
    expect(await bob.next()).toEqual(expected);
    await settled(carol);
    expect(carol.received).toEqual([]);
  });

  it('lets a client that is not subscribed publish', async () => {
    const [subscriber, outsider] = await Promise.all([connect(), connect()]);
    subscriber.send({ type: 'subscribe', topics: ['open'] });
    await settled(subscriber);
    outsider.send({ type: 'publish', topic: 'open', data: 'hello' });
    expect(await subscriber.next()).toEqual({ type: 'publish', topic: 'open', data: 'hello', clients: 1 });
    await settled(outsider);
    expect(outsider.received).toEqual([]);
  });

  it('passes unknown fields through unchanged, in order', async () => {
    const client = await connect();
    client.send({ type: 'subscribe', topics: ['extras'] });
    const frame = '{"type":"publish","topic":"extras","zeta":[1,{"a":null}],"data":{"to":"x","from":"y","token":0.5},"__proto__":{"x":1}}';
    client.send(frame);
    const raw = await new Promise<string>((resolve) => client.socket.once('message', (data) => resolve(data.toString())));
    expect(raw).toBe(frame.slice(0, -1) + ',"clients":1}');
  });

  it('stops delivering after unsubscribe and resumes after re-subscribe', async () => {
    const [listener, speaker] = await Promise.all([connect(), connect()]);
    listener.send({ type: 'subscribe', topics: ['a', 'b'] });
    await settled(listener);
    listener.send({ type: 'unsubscribe', topics: ['a'] });
    await settled(listener);
    speaker.send({ type: 'publish', topic: 'a', n: 1 });
    speaker.send({ type: 'publish', topic: 'b', n: 2 });
    expect(await listener.next()).toEqual({ type: 'publish', topic: 'b', n: 2, clients: 1 });

    listener.send({ type: 'subscribe', topics: ['a'] });
    listener.send({ type: 'subscribe', topics: ['a'] });
    await settled(listener);
    speaker.send({ type: 'publish', topic: 'a', n: 3 });
    expect(await listener.next()).toEqual({ type: 'publish', topic: 'a', n: 3, clients: 1 });
  });

  it('answers a plain HTTP GET with a status text', async () => {
    const response = await fetch(runtime.url.replace('ws://', 'http://'));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/y-webrtc signaling/);
  });
});
