import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnRestCredentials } from '../../src/turn/turn-rest-credentials.js';
import { eventually } from '../support/runtime.js';
import { loopbackNamespaceAvailable, startPeer, startSignalingServer, type Peer, type SignalingServer } from '../support/y-webrtc-processes.js';
import { coturnInstalled as coturnAvailable } from '../../src/local/coturn.js';

const turnSecret = 'a-test-turn-secret-of-some-length';

/**
 * Node y-webrtc peers (`@roamhq/wrtc`) with `iceTransportPolicy: 'relay'`: they connect through
 * `npm start`'s coturn with valid credentials; with no TURN entry they do not, so wrtc honours
 * the policy (it gathers no host candidates). The server, coturn and the peers share a
 * loopback-only namespace where one can be made.
 */
describe.skipIf(!coturnAvailable() && !process.env['CI'])('Node y-webrtc peers on relayed paths only', () => {
  const namespace = loopbackNamespaceAvailable();
  let server: SignalingServer | undefined;
  const peers: Peer[] = [];
  let turnUrls: string[] = [];

  beforeAll(async () => {
    server = await startSignalingServer({ namespace, env: { LOCAL_TURN: 'coturn', LOCAL_TURN_SECRET: turnSecret } });
    turnUrls = (/TURN +coturn on (.+) \(LOCAL_TURN=coturn\)/.exec(server.output())?.[1] ?? '').split(', ');
  }, 50_000);
  afterAll(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
    await server?.stop();
  }, 40_000);

  function pair(iceServers: object[], iceTransportPolicy: 'relay' | 'all' = 'relay'): Peer[] {
    const room = `relay-${randomUUID()}`;
    const iceConfig = { iceServers, iceTransportPolicy };
    const started = [startPeer('relay A', server!, room, { iceConfig }), startPeer('relay B', server!, room, { iceConfig })];
    peers.push(...started);
    return started;
  }

  it('connect and sync through coturn with valid credentials, and not at all without a TURN entry (which they do on host candidates without the policy)', async () => {
    expect(turnUrls[0]).toMatch(/^turn:127\.0\.0\.1:\d+/);
    const credentials = turnRestCredentials(turnSecret, 'node-peer', Math.floor(Date.now() / 1000) + 600);
    const started = Date.now();
    const [a, b] = pair([{ urls: turnUrls, ...credentials }]);
    const [c, d] = pair([]);
    // The same without the policy connects on host candidates: here only the policy keeps c and d apart.
    const [e, f] = pair([], 'all');
    await Promise.all([a!, b!, e!, f!].map((peer) => peer.until((state) => state.connectedPeers === 1, 'a WebRTC connection', 20_000)));
    a!.send({ cmd: 'insert', index: 0, text: 'relayed' });
    await b!.until((state) => state.text === 'relayed', "A's edit");
    await eventually(() => /relay +\d+:node-peer \(a TURN allocation/.test(server!.output()), 5_000, "coturn's allocations in the log");
    // The pair without TURN met through the server as well, and has had 10 s, longer than the others needed.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 10_000 - Date.now())));
    for (const peer of [c!, d!]) {
      peer.send({ cmd: 'state' });
      const state = await peer.until((current) => current.ownAnnounceEchoed, 'in its room');
      expect(state.connectedPeers).toBe(0);
    }
  }, 60_000);
});
