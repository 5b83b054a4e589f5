import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { CountedMetrics } from '../support/metrics.js';
import { startTestRuntime } from '../support/runtime.js';
import { settled, TestClient } from '../support/test-client.js';

/**
 * SIGNAL_DELIVERY=peer (the default), through the local runtime: an offer, answer or ICE
 * candidate reaches only the peer it is addressed to; announces and everything else the room.
 */
let runtime: LocalRuntime;
let roomWide: LocalRuntime;
const counted = CountedMetrics.start();
beforeAll(async () => {
  [runtime, roomWide] = await Promise.all([startTestRuntime(), startTestRuntime({ signalDelivery: 'room' })]);
});
afterAll(() => Promise.all([runtime?.stop(), roomWide?.stop()]));

interface Message {
  readonly data?: { readonly type?: string; readonly from?: string; readonly to?: string; readonly n?: number } | string;
  readonly clients?: number;
}

let rooms = 0;

/** Peers that joined one fresh room as y-webrtc joins: subscribe, then announce its peer id. */
async function peersIn(target: LocalRuntime, peerIds: readonly string[]): Promise<{ room: string; peers: TestClient[] }> {
  const room = `directed-${++rooms}`;
  const peers: TestClient[] = [];
  for (const peerId of peerIds) {
    const peer = await TestClient.connect(target.url);
    peer.send({ type: 'subscribe', topics: [room] });
    peer.send({ type: 'publish', topic: room, data: { type: 'announce', from: peerId } });
    await settled(peer);
    peers.push(peer);
  }
  return { room, peers };
}

const signalsIn = (client: TestClient) =>
  (client.received as Message[]).filter((message) => typeof message.data === 'object' && message.data?.type === 'signal');

async function closeAll(clients: readonly TestClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close()));
}

describe('directed signals (SIGNAL_DELIVERY=peer)', () => {
  it("a third peer never receives an offer, answer or candidate addressed to others", async () => {
    const { room, peers } = await peersIn(runtime, ['a', 'b', 'c']);
    const [a, b, c] = peers as [TestClient, TestClient, TestClient];
    const mark = counted.mark();
    const signal = (from: string, to: string, kind: string, n: number) => ({ type: 'publish', topic: room, data: { type: 'signal', from, to, signal: { type: kind }, n } });
    a.send(signal('a', 'b', 'offer', 1));
    b.send(signal('b', 'a', 'answer', 2));
    a.send(signal('a', 'b', 'candidate', 3));
    b.send(signal('b', 'a', 'candidate', 4));
    await Promise.all(peers.map((peer) => settled(peer)));

    const numbers = (client: TestClient) => signalsIn(client).map((message) => (message.data as { n: number }).n);
    expect(numbers(b)).toEqual([1, 3]);
    expect(numbers(a)).toEqual([2, 4]);
    expect(numbers(c)).toEqual([]);
    // `clients` still counts the room's subscribers.
    expect(signalsIn(b).map((message) => message.clients)).toEqual([3, 3]);
    expect(counted.sum('DirectedSignals', mark)).toBe(4);
    expect(counted.sum('Deliveries', mark)).toBe(4 + 3 /* each peer's barrier echo */);
    await closeAll(peers);
  });

  it('sends announces, signals to an unknown peer id and publishes without `to` to the whole room', async () => {
    const { room, peers } = await peersIn(runtime, ['a', 'b', 'c']);
    const [a] = peers as [TestClient];
    a.send({ type: 'publish', topic: room, data: { type: 'signal', from: 'a', to: 'nobody-here' } });
    a.send({ type: 'publish', topic: room, data: { type: 'note', from: 'a' } });
    await Promise.all(peers.map((peer) => settled(peer)));
    for (const peer of peers) {
      expect((peer.received as Message[]).filter((message) => typeof message.data === 'object' && message.data?.from === 'a' && message.data.type !== 'announce')).toHaveLength(2);
    }
    await closeAll(peers);
  });

  it('a connection that claims a peer id another holds never cuts the owner off: both receive, and it is counted', async () => {
    const { room, peers } = await peersIn(runtime, ['a', 'owner', 'c']);
    const [a, owner, c] = peers as [TestClient, TestClient, TestClient];
    const impostor = await TestClient.connect(runtime.url);
    impostor.send({ type: 'subscribe', topics: [room] });
    impostor.send({ type: 'publish', topic: room, data: { type: 'announce', from: 'owner' } });
    await settled(impostor);

    const mark = counted.mark();
    a.send({ type: 'publish', topic: room, data: { type: 'signal', from: 'a', to: 'owner', n: 1 } });
    await Promise.all([...peers, impostor].map((peer) => settled(peer)));
    expect(signalsIn(owner)).toHaveLength(1);
    expect(signalsIn(impostor)).toHaveLength(1);
    expect(signalsIn(c)).toEqual([]);
    expect(counted.sum('SharedPeerIds', mark)).toBe(1);
    await closeAll([...peers, impostor]);
  });

  it('a peer that reconnects with the same peer id on a new connection keeps receiving its signals', async () => {
    const { room, peers } = await peersIn(runtime, ['a', 'b', 'c']);
    const [a, b, c] = peers as [TestClient, TestClient, TestClient];
    await b.close();
    const again = await TestClient.connect(runtime.url);
    again.send({ type: 'subscribe', topics: [room] });
    again.send({ type: 'publish', topic: room, data: { type: 'announce', from: 'b' } });
    await settled(again);

    a.send({ type: 'publish', topic: room, data: { type: 'signal', from: 'a', to: 'b', n: 1 } });
    await Promise.all([a, c, again].map((peer) => settled(peer)));
    expect(signalsIn(again)).toHaveLength(1);
    expect(signalsIn(c)).toEqual([]);
    await closeAll([a, c, again]);
  });

  it('leaves rooms with a password as they were: their encrypted data reaches everyone', async () => {
    const { room, peers } = await peersIn(runtime, ['a', 'b', 'c']);
    // y-webrtc encrypts the whole `data` of a room with a password: the server sees base64 text only.
    peers[0]!.send({ type: 'publish', topic: room, data: 'ZW5jcnlwdGVkIHNpZ25hbCB0byBi' });
    await Promise.all(peers.map((peer) => settled(peer)));
    for (const peer of peers) {
      expect((peer.received as Message[]).filter((message) => message.data === 'ZW5jcnlwdGVkIHNpZ25hbCB0byBi')).toHaveLength(1);
    }
    await closeAll(peers);
  });

  it('with SIGNAL_DELIVERY=room, sends every signal to the whole room, as the reference server does', async () => {
    const { room, peers } = await peersIn(roomWide, ['a', 'b', 'c']);
    peers[0]!.send({ type: 'publish', topic: room, data: { type: 'signal', from: 'a', to: 'b' } });
    await Promise.all(peers.map((peer) => settled(peer)));
    for (const peer of peers) expect(signalsIn(peer)).toHaveLength(1);
    await closeAll(peers);
  });
});
