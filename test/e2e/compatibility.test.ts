import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { startReferenceServer, type ReferenceServer } from '../../src/tools/reference-server.js';
import { startTestRuntime } from '../support/runtime.js';
import { settled, TestClient } from '../support/test-client.js';

type Name = 'alice' | 'bob' | 'carol' | 'dave';
type Step = readonly [Name, unknown];

/** Several clients and topics: subscribe, publish, unsubscribe, ping, re-subscribe. */
const scenario: readonly Step[] = [
  ['alice', { type: 'subscribe', topics: ['room-1'] }],
  ['bob', { type: 'subscribe', topics: ['room-1', 'Room-2'] }],
  ['carol', { type: 'subscribe', topics: ['Room-2'] }],
  ['alice', { type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'a' } }],
  ['bob', { type: 'publish', topic: 'Room-2', data: { to: 'c', from: 'b', type: 'signal', token: 3, signal: { type: 'offer', sdp: 'v=0' } } }],
  ['dave', { type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'd' } }],
  ['carol', { type: 'ping' }],
  ['alice', { type: 'subscribe', topics: ['room-1'] }],
  ['bob', { type: 'unsubscribe', topics: ['room-1'] }],
  ['alice', { type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'a' } }],
  ['carol', { type: 'subscribe', topics: ['room-1', 'room-3'] }],
  ['dave', { type: 'subscribe', topics: [] }],
  ['bob', { type: 'publish', topic: 'room-1', data: 'AAECAwQFBgcICQ==' }],
  ['alice', { type: 'unsubscribe', topics: ['never-subscribed'] }],
  ['carol', { type: 'publish', topic: 'room-3', data: { type: 'signal', from: 'c', to: 'x' }, extra: [1, null, 'ü'] }],
  ['bob', { type: 'subscribe', topics: ['room-1'] }],
  ['alice', { type: 'publish', topic: 'room-1', clients: 99, data: { type: 'announce', from: 'a' } }],
  ['dave', { type: 'ping' }],
  ['carol', { type: 'unsubscribe', topics: ['room-1', 'Room-2', 'room-3'] }],
  ['bob', { type: 'publish', topic: 'Room-2', data: { type: 'announce', from: 'b' } }],
  ['dave', { type: 'publish', topic: 'nobody-here', data: {} }],
];

/** Plays the scenario against a server and returns what each client received, in order. */
async function play(url: string): Promise<Record<Name, unknown[]>> {
  const names: Name[] = ['alice', 'bob', 'carol', 'dave'];
  const clients = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await TestClient.connect(url)] as const)),
  ) as Record<Name, TestClient>;
  try {
    for (const [name, message] of scenario) {
      clients[name].send(message);
      await settled(clients[name]);
    }
    for (const client of Object.values(clients)) await settled(client);
    return Object.fromEntries(names.map((name) => [name, clients[name].received])) as Record<Name, unknown[]>;
  } finally {
    await Promise.all(Object.values(clients).map((client) => client.close()));
  }
}

describe('compatibility with y-webrtc bin/server.js (JOIN_ORDER=arrival)', () => {
  let reference: ReferenceServer;
  let runtime: LocalRuntime;

  beforeAll(async () => {
    // The reference server's rule; JOIN_ORDER=room (the default) differs on purpose: docs/architecture.md.
    [reference, runtime] = await Promise.all([startReferenceServer(), startTestRuntime({ settings: { joinOrder: 'arrival', signalDelivery: 'room' } })]);
  });
  afterAll(async () => {
    await Promise.all([reference?.stop(), runtime?.stop()]);
  });

  it('gives every client the same messages as the reference server', async () => {
    const expected = await play(reference.url);
    const actual = await play(runtime.url);
    expect(expected.bob.length).toBeGreaterThan(3);
    expect(actual).toEqual(expected);
  });
});
