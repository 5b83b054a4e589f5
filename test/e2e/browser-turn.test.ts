import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnRestCredentials } from '../../src/turn/turn-rest-credentials.js';
import { eventually } from '../support/runtime.js';
import { DemoPage, withOutputs, launchChromium, vethNamespaceAvailable, vethNamespaceSetup, type LaunchedBrowser } from '../support/browser.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../support/tokens.js';
import { startPeer, startSignalingServer, type Peer, type SignalingServer } from '../support/y-webrtc-processes.js';
import { skipWithout } from '../support/required-tools.js';

/**
 * Peers that may use relayed paths only (`iceTransportPolicy: 'relay'`, as behind a NAT that
 * lets nothing else through) connect through `npm start`'s coturn (LOCAL_TURN=coturn), with
 * credentials from its ICE servers endpoint (in bundles mode: the ICE servers function's
 * shipped bundle, configured by the template), fetched with the page's signaling token. The
 * negative controls, relay-only too, never connect: a forged credential, an expired one, and
 * no TURN entry at all.
 */
const namespace = vethNamespaceAvailable();
/** Known to the test, so it can sign an expired credential as the endpoint would have. */
const turnSecret = 'a-test-turn-secret-of-some-length';

interface IceServerJson {
  urls: string | string[];
  username?: string;
  credential?: string;
}

// The relayed pair and the controls at once: each has pages and rooms of its own.
describe.skipIf(skipWithout(['chromium', 'coturn'], 'browser-turn.test.ts')).concurrent(`relayed paths only, in Chromium, through the local coturn (${namespace ? 'veth namespace' : 'host network'})`, () => {
  let server: SignalingServer | undefined;
  let launched: LaunchedBrowser | undefined;
  let pageUrl = '';
  const pages: DemoPage[] = [];
  const peers: Peer[] = [];

  beforeAll(async () => {
    server = await startSignalingServer({
      namespace,
      networkSetup: vethNamespaceSetup,
      // Warm environments before the pages come: on 2 cores a storm of cold starts takes seconds each, which AWS, a machine per environment, would not show.
      env: { LOCAL_FUNCTIONS: 'bundles', LAMBDA_PROVISIONED_CONCURRENCY: '2', LOCAL_TURN: 'coturn', LOCAL_TURN_SECRET: turnSecret, AUTH_JWT_SECRET: testSecret, AUTH_ISSUER: testIssuer, AUTH_AUDIENCE: testAudience },
    });
    pageUrl = `${server.url.replace(/^ws/, 'http')}/`;
    launched = await launchChromium({ networkNamespace: server.networkNamespace });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(pages.splice(0).map((page) => page.close()));
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
    await launched?.close();
    await server?.stop();
  }, 40_000);

  async function open(name: string, room: string, options: { iceServers?: string } = {}): Promise<DemoPage> {
    const page = await DemoPage.open(launched!.browser, name, pageUrl, room, { tokenUrl: '/token', relay: '1', ...options });
    pages.push(page);
    return page;
  }

  /** Adds the pages', the peers' and the server's output to a failure. */
  const explained = <T,>(run: () => Promise<T>) => withOutputs(run, () => [...pages, ...peers, { name: 'server', output: () => server?.output() ?? '' }]);


  /** The types of the candidate pair each of the page's peer connections uses. */
  function selectedCandidateTypes(page: DemoPage): Promise<string[]> {
    return page.page.evaluate(async () => {
      type Stats = { type: string; state?: string; nominated?: boolean; localCandidateId?: string; remoteCandidateId?: string; candidateType?: string; id: string };
      const provider = (globalThis as unknown as { yDemo: { provider: { room: { webrtcConns: Map<string, { peer: { _pc: { getStats(): Promise<Map<string, unknown>> } } }> } } } }).yDemo.provider;
      const types: string[] = [];
      for (const connection of provider.room.webrtcConns.values()) {
        const stats = [...(await connection.peer._pc.getStats()).values()] as Stats[];
        const pair = stats.find((entry) => entry.type === 'candidate-pair' && entry.state === 'succeeded' && entry.nominated);
        const local = stats.find((entry) => entry.id === pair?.localCandidateId);
        const remote = stats.find((entry) => entry.id === pair?.remoteCandidateId);
        types.push(`${local?.candidateType}/${remote?.candidateType}`);
      }
      return types;
    });
  }

  it('two relay-only pages connect and sync through coturn, with credentials from GET /ice-servers', async () => {
    await explained(async () => {
      const room = `relay-${randomUUID().slice(0, 8)}`;
      const [a, b] = await Promise.all([open('A', room), open('B', room)]);
      // Each page fetched its ICE servers, TURN credentials included, with its token, before its provider.
      await Promise.all([a, b].map((page) => page.until((state) => state.turn, 'TURN credentials from /ice-servers', 20_000)));
      await Promise.all([a, b].map((page) => page.until((state) => state.peers === 1, 'the other page, relayed', 20_000)));
      await a.type('through the relay');
      await b.until((state) => state.text.includes('through the relay'), "A's edit");
      expect(await selectedCandidateTypes(a)).toEqual(['relay/relay']);
      // coturn's own log, as npm start reports it: allocations for the credentials the endpoint signed (`<expiry>:<sub>`).
      await eventually(() => (server!.output().match(/relay +\d+:local-demo \(a TURN allocation/g) ?? []).length >= 2, 5_000, 'allocations in the log');
    });
  }, 60_000);

  it('negative controls: a forged credential, an expired one, and no TURN entry: relay-only pages never connect', async () => {
    await explained(async () => {
      const probe = await open('probe', `probe-${randomUUID().slice(0, 8)}`);
      const issued = await probe.page.evaluate(async () => {
        const { token } = (await (await fetch('/token?rooms=probe')).json()) as { token: string };
        return (await (await fetch('/ice-servers?room=probe', { headers: { authorization: `Bearer ${token}` } })).json()) as { iceServers: IceServerJson[] };
      });
      const turn = issued.iceServers.find((server) => server.credential !== undefined)!;
      const stun = issued.iceServers.filter((server) => server.credential === undefined);
      const expired = turnRestCredentials(turnSecret, 'someone', Math.floor(Date.now() / 1000) - 60);
      const controls: Record<string, IceServerJson[]> = {
        forged: [...stun, { ...turn, credential: Buffer.from('not the HMAC of the username').toString('base64') }],
        expired: [...stun, { ...turn, ...expired }],
        'no TURN': stun,
      };
      const pairs = await Promise.all(
        Object.entries(controls).map(async ([name, iceServers]) => {
          const room = `control-${randomUUID().slice(0, 8)}`;
          const json = JSON.stringify(iceServers);
          return { name, pair: await Promise.all([open(`${name} 1`, room, { iceServers: json }), open(`${name} 2`, room, { iceServers: json })]) };
        }),
      );
      // They meet through the server, as the relayed pair did, and have longer than it needed to connect.
      for (const { pair } of pairs) {
        await Promise.all(pair.map((page) => page.until((state) => state.signaling === 'connected' && state.inRoom, 'in its room')));
      }
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      for (const { name, pair } of pairs) {
        const states = await Promise.all(pair.map((page) => page.state()));
        expect(states.map((state) => state.peers), name).toEqual([0, 0]);
      }
      // coturn refused the forged and the expired credential (its log says so); the third had no TURN server to ask.
      expect(server!.output()).not.toMatch(new RegExp(`relay +${expired.username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    });
  }, 90_000);

  it('Node y-webrtc peers (@roamhq/wrtc) honour the policy: relay-only, they connect through coturn with valid credentials and not at all without TURN, which they do on host candidates without the policy', async () => {
    await explained(async () => {
      const turnUrls = (/TURN +coturn on (.+) \(LOCAL_TURN=coturn\)/.exec(server!.output())?.[1] ?? '').split(', ');
      expect(turnUrls[0]).toMatch(/^turn:127\.0\.0\.1:\d+/);
      const credentials = turnRestCredentials(turnSecret, 'node-peer', Math.floor(Date.now() / 1000) + 600);
      const token = await hs256Token({}, { expiresIn: '5m' });
      const pair = (iceServers: object[], iceTransportPolicy: 'relay' | 'all') => {
        const room = `node-${randomUUID().slice(0, 8)}`;
        const started = [1, 2].map((n) => startPeer(`node ${iceTransportPolicy} ${iceServers.length > 0 ? 'TURN' : 'no TURN'} ${n}`, server!, room, { token, iceConfig: { iceServers, iceTransportPolicy } }));
        peers.push(...started);
        return started;
      };
      const started = Date.now();
      const [a, b] = pair([{ urls: turnUrls, ...credentials }], 'relay');
      const [c, d] = pair([], 'relay');
      // The same without the policy connects on host candidates: only the policy keeps c and d apart.
      const [e, f] = pair([], 'all');
      await Promise.all([a!, b!, e!, f!].map((peer) => peer.until((state) => state.connectedPeers === 1, 'a WebRTC connection', 20_000)));
      a!.send({ cmd: 'insert', index: 0, text: 'relayed' });
      await b!.until((state) => state.text === 'relayed', "A's edit");
      await eventually(() => /relay +\d+:node-peer \(a TURN allocation/.test(server!.output()), 5_000, "coturn's allocations in the log");
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 10_000 - Date.now())));
      for (const peer of [c!, d!]) {
        peer.send({ cmd: 'state' });
        const state = await peer.until((current) => current.ownAnnounceEchoed, 'in its room');
        expect(state.connectedPeers).toBe(0);
      }
    });
  }, 60_000);
});
