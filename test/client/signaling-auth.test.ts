import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { SignalingAuth, type SignalingAuthOptions, type TokenFailure, type TokenRequest } from '../../src/client/index.js';
import { defaultLimits } from '../../src/config/limits.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { eventually, startTestRuntime } from '../support/runtime.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../support/tokens.js';

// y-webrtc opens its signaling connections with the global WebSocket, as in a browser.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/**
 * The client module with the real y-webrtc, against the local runtime with tokens checked:
 * the server cuts every connection after 3 s and tokens live 2 s, so every reconnect needs a
 * token that did not exist when the connection was opened. Each test's providers have rooms
 * of their own; a raw client in the room (it never announces, so no WebRTC starts) sees each
 * announce the provider sends when its signaling connection (re)connects.
 */
describe('SignalingAuth with y-webrtc', () => {
  const cutAfterSeconds = 3;
  let runtime: LocalRuntime;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({
      settings: {
        auth: { secret: testSecret, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' },
        limits: { ...defaultLimits, maxConnectionSeconds: cutAfterSeconds },
      },
    });
  });
  afterAll(() => runtime?.stop());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Tokens that live 2 s, scoped to the rooms asked for; every request is recorded. */
  function tokenService() {
    const requests: TokenRequest[] = [];
    const getToken = async (request: TokenRequest) => {
      requests.push(request);
      return hs256Token({ rooms: [...request.rooms] }, { expiresIn: '2s' });
    };
    return { requests, getToken };
  }

  function auth(options: Partial<SignalingAuthOptions> & Pick<SignalingAuthOptions, 'getToken'>): SignalingAuth {
    const signalingAuth = new SignalingAuth({ urls: [runtime.url], minimumValidityMs: 500, reconnectSpreadMs: 0, ...options });
    cleanups.push(() => signalingAuth.destroy());
    return signalingAuth;
  }

  async function provider(room: string, signaling: string[]): Promise<WebrtcProvider> {
    const doc = new Y.Doc();
    const created = new WebrtcProvider(room, doc, { signaling, peerOpts: { config: { iceServers: [] } } });
    cleanups.push(async () => {
      created.disconnect();
      created.destroy();
      await created.key;
      doc.destroy();
    });
    return created;
  }

  /**
   * The connections on which the server received an announce of `peerId` in `room`: one per
   * (re)connect that the server let in. (A raw client in the room would be cut too.)
   */
  function announcingConnections(room: string): (peerId: string) => number {
    const seen = new Map<string, Set<string>>();
    const stop = runtime.gateway.observeFrames(({ body, requestContext }) => {
      const frame = JSON.parse(body ?? '{}') as { type?: string; topic?: string; data?: { type?: string; from?: string } };
      if (frame.type !== 'publish' || frame.topic !== room || frame.data?.type !== 'announce' || !frame.data.from) return;
      const connections = seen.get(frame.data.from) ?? new Set<string>();
      seen.set(frame.data.from, connections.add(requestContext.connectionId));
    });
    cleanups.push(stop);
    return (peerId) => seen.get(peerId)?.size ?? 0;
  }

  const peerIdOf = (created: WebrtcProvider) => created.room!.peerId;
  const announcedOnce = async (created: WebrtcProvider) => {
    await eventually(() => created.room !== null, 5_000, 'the room opened');
  };

  it('reconnects after every cut with a fresh token, the provider and its connection untouched', async () => {
    const tokens = tokenService();
    const signalingAuth = auth({ getToken: tokens.getToken });
    const announces = announcingConnections('cuts');
    const created = await provider('cuts', await signalingAuth.signalingUrls('cuts'));
    signalingAuth.attach(created);
    await announcedOnce(created);
    const [connection] = created.signalingConns;

    // Three cuts at 3 s, each well after the token it connected with expired.
    await eventually(() => announces(peerIdOf(created)) >= 4, 15_000, 'four announces: the first connect and three reconnects');
    expect(created.signalingConns[0]).toBe(connection);
    expect(tokens.requests.length).toBeGreaterThanOrEqual(4);
    expect(tokens.requests.every((request) => request.rooms.includes('cuts'))).toBe(true);
  });

  // Not at the same time as another provider: y-webrtc announces every room of the process on each of its connections.
  it('negative control: without it, the reconnect after the cut is refused and the room never hears the provider again', async () => {
    const announces = announcingConnections('control');
    const created = await provider('control', [`${runtime.url}/?token=${await hs256Token({ rooms: ['control'] }, { expiresIn: '2s' })}`]);
    await announcedOnce(created);
    await eventually(() => announces(peerIdOf(created)) >= 1, 5_000, 'the first announce');
    await new Promise((resolve) => setTimeout(resolve, (cutAfterSeconds + 3) * 1000));
    expect(announces(peerIdOf(created))).toBe(1);
    expect(created.signalingConns[0]!.connected).toBe(false);
  });

  it('shares one connection between providers, also ones created later, asks tokens for all their rooms, and lets y-webrtc close it when the last one leaves', async () => {
    const tokens = tokenService();
    const signalingAuth = auth({ getToken: tokens.getToken });
    const first = await provider('shared-a', await signalingAuth.signalingUrls('shared-a'));
    signalingAuth.attach(first);
    await eventually(() => first.signalingConns[0]!.connected, 5_000, 'the first connected');
    const announcesOfSecond = announcingConnections('shared-b');
    const second = await provider('shared-b', await signalingAuth.signalingUrls('shared-b'));
    signalingAuth.attach(second);
    expect(second.signalingConns[0]).toBe(first.signalingConns[0]);
    expect(tokens.requests).toHaveLength(1);

    await announcedOnce(second);
    await eventually(() => announcesOfSecond(peerIdOf(second)) >= 2, 10_000, 'the second room announced again after a cut');
    expect(tokens.requests.at(-1)!.rooms).toEqual(['shared-a', 'shared-b']);

    const connection = first.signalingConns[0]!;
    first.disconnect();
    second.disconnect();
    expect(connection.shouldConnect).toBe(false);
    // y-webrtc filed it under its first URL and removed it from there: a new provider gets a new connection, with a fresh token.
    const third = await provider('shared-c', await signalingAuth.signalingUrls('shared-c'));
    signalingAuth.attach(third);
    expect(third.signalingConns[0]).not.toBe(connection);
    await eventually(() => third.signalingConns[0]!.connected, 5_000, 'the new connection connected');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(connection.connected).toBe(false);
  });

  it('retries a failing getToken() with backoff and reports every failure', async () => {
    const failures: TokenFailure[] = [];
    let calls = 0;
    const signalingAuth = auth({
      getToken: async (request) => {
        calls++;
        if (calls <= 2) throw new Error(`token service down (${calls})`);
        return hs256Token({ rooms: [...request.rooms] }, { expiresIn: '2s' });
      },
      onError: (failure) => failures.push(failure),
      retryBaseMs: 100,
    });
    const created = await provider('retry', await signalingAuth.signalingUrls('retry'));
    signalingAuth.attach(created);
    await eventually(() => created.signalingConns[0]!.connected, 5_000, 'connected');
    expect(failures.map(({ attempt }) => attempt)).toEqual([1, 2]);
    expect(failures.map(({ error }) => (error as Error).message)).toEqual(['token service down (1)', 'token service down (2)']);
    expect(failures[1]!.retryInMs).toBeGreaterThanOrEqual(100);
  });

  it('replaces a token the server refuses after two failed attempts in a row', async () => {
    let calls = 0;
    const signalingAuth = auth({
      getToken: async (request) => {
        calls++;
        // The first token is signed with a key the server does not know: a token it stopped taking.
        return hs256Token({ rooms: [...request.rooms] }, { expiresIn: '5m', ...(calls === 1 ? { secret: 'not-the-servers-secret-but-long-enough-for-hs256' } : {}) });
      },
    });
    const created = await provider('refused', await signalingAuth.signalingUrls('refused'));
    signalingAuth.attach(created);
    await eventually(() => created.signalingConns[0]!.connected, 8_000, 'connected with the second token');
    expect(calls).toBe(2);
  });

  it('spreads reconnects: after a cut it did not choose it waits up to reconnectSpreadMs, and it closes itself before the server would', async () => {
    const tokens = tokenService();
    const signalingAuth = auth({ getToken: tokens.getToken, reconnectSpreadMs: 1_500, maxConnectionMs: 2_000, earlyCloseWindowMs: 1_000 });
    const created = await provider('spread', await signalingAuth.signalingUrls('spread'));
    signalingAuth.attach(created);
    const connection = created.signalingConns[0]!;
    const opened: number[] = [];
    const closed: number[] = [];
    connection.on('connect', () => opened.push(Date.now()));
    connection.on('disconnect', () => closed.push(Date.now()));
    await eventually(() => opened.length >= 3, 15_000, 'three connects');
    // Closed by the client between 1 and 1.9 s after connecting, before the server's cut at 3 s.
    for (const [index, at] of closed.slice(0, 2).entries()) {
      expect(at - opened[index]!).toBeGreaterThanOrEqual(1_000);
      expect(at - opened[index]!).toBeLessThan(2_000);
    }
  });
});
