import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayTimingMode } from '../../src/local/gateway-timing.js';
import { inBatches } from '../support/join-race.js';
import {
  loopbackNamespaceAvailable,
  startPeer,
  startSignalingServer,
  type Peer,
  type SignalingServer,
} from '../support/y-webrtc-processes.js';
import type { PeerState } from '../support/y-webrtc-peer-protocol.js';

/** Trials of the pair test: 6 in the suite, TRIALS=n for more. */
const pairTrials = Number(process.env['TRIALS'] ?? 6);

/**
 * Unmodified y-webrtc providers, each in a Node process of its own (so no BroadcastChannel
 * between them), open one room at the same moment, as users do, and sync over WebRTC through
 * the real `npm start` server: in its default timing, and with GATEWAY_TIMING=aws (frames in
 * parallel, Lambda-like latency).
 *
 * As root, where `unshare -n` works, the server and the peers share one network namespace
 * that has only loopback, so no WebRTC packet can leave the machine; elsewhere they run
 * directly, still with no ICE servers.
 */
const namespace = loopbackNamespaceAvailable();
/**
 * The server's modes, and which tests run against each. In AWS timing the pairs run on the
 * shipped bundles, in execution environments as deployed. The storm runs on the sources:
 * 8 wrtc processes and a burst of cold starts on 2 cores outgrow this machine, not the
 * protocol (a storm on the bundles started 42 message environments cold, each invocation
 * then took up to 7 s: docs/performance.md, "The functions as deployed").
 */
const runs: readonly { readonly timing: GatewayTimingMode; readonly functions: 'sources' | 'bundles'; readonly pairs: boolean; readonly storm: boolean }[] = [
  { timing: 'in-order', functions: 'sources', pairs: true, storm: true },
  { timing: 'aws', functions: 'bundles', pairs: true, storm: false },
  { timing: 'aws', functions: 'sources', pairs: false, storm: true },
];
/** Starting a peer's process (Node, tsx, wrtc) on a loaded 2-core machine; as before, not a user's wait. */
const processStartMs = 20_000;

describe.each(runs)(`y-webrtc peers in separate processes, GATEWAY_TIMING=$timing, LOCAL_FUNCTIONS=$functions (${namespace ? 'loopback-only namespace' : 'host network'})`, ({ timing, functions, pairs, storm }) => {
  let server: SignalingServer | undefined;
  const running = new Set<Peer>();

  beforeAll(async () => {
    server = await startSignalingServer({ namespace, env: { GATEWAY_TIMING: timing, LOCAL_FUNCTIONS: functions } });
  }, 50_000);

  afterAll(async () => {
    // Peers first, so the server sees ordinary disconnects; then the server drains and exits.
    await Promise.all([...running].map((peer) => peer.stop()));
    await server?.stop();
  }, 40_000);

  /** Starts `count` peers on one room at once and runs `check` with them; stops them after. */
  async function withPeers<T>(count: number, check: (peers: Peer[], room: string) => Promise<T>): Promise<T> {
    const room = `room-${randomUUID()}`;
    const peers = Array.from({ length: count }, (_, n) => startPeer(`peer ${n + 1}`, server!, room));
    for (const peer of peers) running.add(peer);
    try {
      return await check(peers, room);
    } catch (error) {
      const outputs = peers.map((peer) => `--- ${peer.name} ---\n${peer.output(12)}`);
      throw new Error(`${(error as Error).message}\n${outputs.join('\n')}\n--- server ---\n${server!.output()}`, { cause: error });
    } finally {
      await Promise.all(peers.map((peer) => peer.stop()));
      for (const peer of peers) running.delete(peer);
    }
  }

  it.runIf(pairs)(`two peers opening one room together sync both ways, in each of ${pairTrials} trials`, async () => {
    const trials = Array.from({ length: pairTrials }, (_, n) => n);
    const seconds = await inBatches(trials, 2, (trial) =>
      withPeers(2, async ([a, b]) => {
        const started = performance.now();
        // These waits include the processes' start (Node, tsx, wrtc), not only the signaling connection.
        await Promise.all([a!.until((s) => s.signalingConnected, 'signaling', processStartMs), b!.until((s) => s.signalingConnected, 'signaling', processStartMs)]);
        a!.send({ cmd: 'append', text: 'A' });
        b!.send({ cmd: 'append', text: 'B' });
        const both = (state: PeerState) => state.text.includes('A') && state.text.includes('B');
        await Promise.all([a!.until(both, `trial ${trial}: B's edit`), b!.until(both, `trial ${trial}: A's edit`)]);
        return (performance.now() - started) / 1000;
      }),
    );
    expect(seconds).toHaveLength(pairTrials);
  }, 240_000);

  it.runIf(storm)('a storm of 8 peers opening one room together: every pair has a direct WebRTC connection', async () => {
    await withPeers(8, async (peers) => {
      const ids = (await Promise.all(peers.map((peer) => peer.until((s) => s.peerId !== '', 'peer id', processStartMs)))).map((s) => s.peerId);
      await Promise.all(
        peers.map((peer, n) =>
          // 28 WebRTC connections made at once by 8 wrtc processes on 2 cores: twice a single connection's ~10 s.
          peer.until((s) => s.connectedPeers === 7, `all 7 others connected directly (peer ${ids[n]})`, 20_000),
        ),
      );
      for (const [n, peer] of peers.entries()) {
        expect(peer.state!.connectedPeerIds).toEqual(ids.filter((_, other) => other !== n).sort());
      }
      peers[0]!.send({ cmd: 'append', text: 'storm' });
      await Promise.all(peers.map((peer) => peer.until((s) => s.text === 'storm', 'the first peer\'s edit')));
    });
  }, 120_000);
});
