import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loopbackNamespaceAvailable,
  startPeer,
  startSignalingServer,
  type Peer,
  type SignalingServer,
} from '../support/y-webrtc-processes.js';

/**
 * Two unmodified y-webrtc providers, each in a Node process of its own (so no BroadcastChannel
 * between them), find each other through the real `npm start` server and sync over WebRTC.
 *
 * As root, where `unshare -n` works, the server and both peers share one network namespace
 * that has only loopback, so no WebRTC packet can leave the machine; elsewhere they run
 * directly, still with no ICE servers.
 */
const namespace = loopbackNamespaceAvailable();

describe(`two y-webrtc peers in separate processes (${namespace ? 'loopback-only namespace' : 'host network'})`, () => {
  let server: SignalingServer | undefined;
  const peers: Peer[] = [];

  beforeAll(async () => {
    server = await startSignalingServer({ namespace });
  }, 50_000);

  afterAll(async () => {
    // Peers first, so the server sees ordinary disconnects; then the server drains and exits.
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
    await server?.stop();
  }, 40_000);

  it('connect through the signaling server and sync a Y.Text edit both ways', async () => {
    const room = `room-${randomUUID()}`;
    const a = startPeer('peer A', server!, room);
    peers.push(a);
    let b: Peer | undefined;

    try {
      // B joins once the server has handled A's announce, as two users who do not join in the
      // same second would. If both announces reach both peers, both start an offer ("glare"),
      // and y-webrtc 10.3 with simple-peer often never recovers from that (see the report).
      await a.until((state) => state.ownAnnounceEchoed, 'echo of its own announce');
      b = startPeer('peer B', server!, room);
      peers.push(b);

      const connected = (state: { connectedPeers: number }) => state.connectedPeers >= 1;
      await Promise.all([a.until(connected, 'WebRTC connection'), b.until(connected, 'WebRTC connection')]);

      a.send({ cmd: 'insert', index: 0, text: 'hello from A' });
      await b.until((state) => state.text === 'hello from A', "A's edit");

      b.send({ cmd: 'append', text: ' and B' });
      await a.until((state) => state.text === 'hello from A and B', "B's edit");
      await b.until((state) => state.text === 'hello from A and B', "B's own edit");

      for (const peer of [a, b]) {
        peer.send({ cmd: 'state' });
        const state = await peer.until(
          (s) => s.text === 'hello from A and B' && s.connectedPeers >= 1,
          'final state',
          5_000,
        );
        expect(state.webrtcConns).toBeGreaterThanOrEqual(1);
        expect(state.connectedPeers).toBeGreaterThanOrEqual(1);
      }
    } catch (error) {
      const outputs = [a, b].filter((peer) => peer !== undefined).map((peer) => `--- ${peer.name} ---\n${peer.output()}`);
      throw new Error(`${(error as Error).message}\n${outputs.join('\n')}\n--- server ---\n${server!.output()}`, {
        cause: error,
      });
    }
  }, 45_000);
});
