import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IceServersError, IceServersRefresher, type TokenFailure } from '../../src/client/index.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { eventually, startTestRuntime } from '../support/runtime.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../support/tokens.js';
import { skipWithout } from '../support/required-tools.js';


/** The client module's ICE servers against `npm start`'s endpoint, with coturn behind it and tokens checked. */
describe.skipIf(skipWithout(['coturn'], 'ice-servers.test.ts'))('IceServersRefresher against the local endpoint (LOCAL_TURN=coturn)', () => {
  let runtime: LocalRuntime;
  let url = '';
  beforeAll(async () => {
    runtime = await startTestRuntime({ settings: { turn: 'coturn', auth: { secret: testSecret, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' } } });
    url = `${runtime.url.replace(/^ws/, 'http')}/ice-servers`;
  });
  afterAll(() => runtime?.stop());

  const getToken = async ({ rooms }: { rooms: readonly string[] }) => hs256Token({ sub: 'ada', rooms: [...rooms] });

  it('fetches STUN and TURN before the provider, sets them on the provider without touching its other settings, and fetches again before they expire', async () => {
    const ice = await IceServersRefresher.start({ url, room: 'lobby', getToken, refreshBeforeMs: 3_600_000 - 1_000 });
    try {
      const turn = ice.iceServers.find((server) => server.credential !== undefined)!;
      expect(turn.username).toMatch(/^\d+:ada$/);
      expect(ice.expiresAt).toBe(Number(turn.username!.split(':')[0]) * 1000);
      expect(ice.peerOpts({ iceTransportPolicy: 'relay' })).toEqual({ config: { iceTransportPolicy: 'relay', iceServers: ice.iceServers } });

      const provider = { peerOpts: { config: { iceTransportPolicy: 'relay' }, trickle: true } as { config: Record<string, unknown>; trickle: boolean } };
      ice.attach(provider);
      const first = provider.peerOpts.config['iceServers'];
      expect(first).toBe(ice.iceServers);
      expect(provider.peerOpts).toMatchObject({ config: { iceTransportPolicy: 'relay' }, trickle: true });
      // Refreshed about a second before its (shortened) deadline: a new answer, set on the provider.
      await eventually(() => provider.peerOpts.config['iceServers'] !== first, 10_000, 'the ICE servers refreshed');
      expect(provider.peerOpts.config['iceTransportPolicy']).toBe('relay');
    } finally {
      ice.destroy();
    }
  });

  it("rejects with the endpoint's reason when it refuses, and reports a failed refresh and retries it", async () => {
    const refused = await IceServersRefresher.start({ url, room: 'elsewhere', getToken: async () => hs256Token({ rooms: ['lobby'] }) }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IceServersError);
    expect(refused).toMatchObject({ status: 403, message: expect.stringMatching(/403: the token does not allow the room "elsewhere"/) });

    let calls = 0;
    const failures: TokenFailure[] = [];
    const ice = await IceServersRefresher.start({
      url,
      room: 'lobby',
      getToken: async (request) => {
        calls++;
        if (calls === 2) throw new Error('token service down');
        return getToken(request);
      },
      refreshBeforeMs: 3_600_000 - 500,
      onError: (failure) => failures.push(failure),
    });
    try {
      await eventually(() => failures.length === 1 && calls >= 3, 10_000, 'a failed refresh reported and retried');
      expect(failures[0]).toMatchObject({ attempt: 1, error: new Error('token service down') });
      expect(failures[0]!.retryInMs).toBeGreaterThanOrEqual(500);
    } finally {
      ice.destroy();
    }
  });
});
