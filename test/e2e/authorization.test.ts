import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { allItems, eventually, startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../support/tokens.js';
import { loopbackNamespaceAvailable, startPeer, startSignalingServer, type Peer, type SignalingServer } from '../support/y-webrtc-processes.js';

const authEnvironment = { AUTH_JWT_SECRET: testSecret, AUTH_ISSUER: testIssuer, AUTH_AUDIENCE: testAudience };

function handshakeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

// On the shipped bundles: the authorizer's bundle reads its key through Secrets Manager's API, as deployed.
describe('authorization through the local runtime (LOCAL_FUNCTIONS=bundles)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ settings: { functions: 'bundles', auth: { secret: testSecret, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' } } });
  });
  afterAll(() => runtime?.stop());

  it('lets a valid token in and refuses none, a bad one or an expired one with 401', async () => {
    expect(runtime.authorization).toBe('tokens');
    expect(await handshakeStatus(`${runtime.url}/?token=${await hs256Token()}`)).toBe(101);
    expect(await handshakeStatus(runtime.url)).toBe(401);
    expect(await handshakeStatus(`${runtime.url}/?token=nonsense`)).toBe(401);
    expect(await handshakeStatus(`${runtime.url}/?token=${await hs256Token({}, { expiresIn: '-1s' })}`)).toBe(401);
  });

  it("records on the connection item whom the token names (its sub)", async () => {
    const principalOf = (item: Record<string, unknown>) => (item['principalId'] as { S?: string } | undefined)?.S;
    const client = await TestClient.connect(`${runtime.url}/?token=${await hs256Token({ sub: 'ada@example.com' })}`);
    // The connection item is written by $connect, before the handshake completes.
    const items = await allItems(runtime);
    const connections = items.filter((item) => (item['__edb_e__'] as { S?: string } | undefined)?.S === 'connection');
    expect(connections.filter((item) => principalOf(item) === 'ada@example.com')).toHaveLength(1);
    await client.close();
  });

  it('refuses a malformed rooms claim with 403', async () => {
    expect(await handshakeStatus(`${runtime.url}/?token=${await hs256Token({ rooms: [7] })}`)).toBe(403);
  });

  it('keeps a connection to the rooms of its token: out-of-scope subscribes and publishes are refused and never fanned out', async () => {
    const scoped = await TestClient.connect(`${runtime.url}/?token=${await hs256Token({ rooms: ['lobby', 'team-a/*'] })}`);
    const other = await TestClient.connect(`${runtime.url}/?token=${await hs256Token({ sub: 'other' })}`);
    other.send({ type: 'subscribe', topics: ['secret', 'team-a/doc'] });
    // Its two subscriptions and the two rooms' join order items.
    const ofRooms = async (rooms: readonly string[]) =>
      (await allItems(runtime)).filter((item) => rooms.some((room) => (item['pk'] as { S: string }).S === `t#${room}`)).length;
    await eventually(async () => (await ofRooms(['secret', 'team-a/doc'])) === 4, 20_000, 'other subscribed and placed');

    scoped.send({ type: 'subscribe', topics: ['team-a/doc', 'secret'] });
    scoped.send({ type: 'publish', topic: 'secret', data: 'leak' });
    scoped.send({ type: 'subscribe', topics: ['lobby'] });
    scoped.send({ type: 'publish', topic: 'team-a/doc', data: 'hello' });
    // The publish to team-a/doc reaches `other`; it is sent after the refused ones, so they are done.
    expect(await other.next()).toEqual({ type: 'publish', topic: 'team-a/doc', data: 'hello', clients: 1 });
    expect(other.received).toHaveLength(1);
    // Only the in-scope subscribe to lobby was written: its subscription and the room's join order.
    await eventually(async () => (await ofRooms(['lobby'])) === 2, 20_000, 'lobby subscribed and placed');
    // The refused subscribe wrote nothing in the rooms it named. (Counting the whole table would
    // race with the cleanup of the test before.)
    expect(await ofRooms(['secret', 'team-a/doc'])).toBe(4);
    await Promise.all([scoped.close(), other.close()]);
  });
});

describe('unmodified y-webrtc clients against a server that requires tokens', () => {
  const namespace = loopbackNamespaceAvailable();
  let server: SignalingServer | undefined;
  const peers: Peer[] = [];
  beforeAll(async () => {
    server = await startSignalingServer({ namespace, env: { ...authEnvironment, POWERTOOLS_LOG_LEVEL: 'WARN' } });
  }, 50_000);
  afterAll(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
    await server?.stop();
  }, 40_000);

  it('sync with a valid token in the signaling URL; a client without one is refused', async () => {
    const room = `room-${randomUUID()}`;
    const token = await hs256Token({ rooms: [room] });
    const a = startPeer('peer A', server!, room, { token });
    const b = startPeer('peer B', server!, room, { token });
    const intruder = startPeer('intruder', server!, room);
    peers.push(a, b, intruder);
    await Promise.all([a.until((s) => s.connectedPeers >= 1, 'WebRTC connection'), b.until((s) => s.connectedPeers >= 1, 'WebRTC connection')]);
    a.send({ cmd: 'insert', index: 0, text: 'only for members' });
    await b.until((state) => state.text === 'only for members', "A's edit");

    // The intruder's process may still be starting on a busy machine: its refusal is awaited, not assumed done.
    await eventually(() => /"connection refused".*"status":401/.test(server!.output()), 20_000, "the intruder's handshake refused");
    intruder.send({ cmd: 'state' });
    const state = await intruder.until(() => true, 'intruder state');
    expect(state.signalingConnected).toBe(false);
    expect(state.text).toBe('');
  }, 60_000);
});
