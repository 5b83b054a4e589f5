import { createHmac } from 'node:crypto';
import type { CfnResource } from 'aws-cdk-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { metricNames } from '../../../src/config/metrics.js';
import { ConfigurationError } from '../../../src/config/limits.js';
import type { LocalRuntime } from '../../../src/local/local-runtime.js';
import { eventually, startTestRuntime } from '../../support/runtime.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../../support/tokens.js';
import { skipWithout } from '../../support/required-tools.js';

const turnSecret = 'the-local-coturns-shared-secret';
let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

const settings = {
  functions: 'bundles',
  turn: 'coturn',
  turnSecret,
  auth: { secret: testSecret, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' },
} as const;

/**
 * The ICE servers function as `cdk deploy` ships it: its bundle, with the environment the
 * template gives it (a shared-secret source for the local coturn), reading the TURN secret
 * and the token key through the SDK from the Secrets Manager stand-in, invoked with
 * function URL events.
 */
describe.skipIf(skipWithout(['coturn'], 'ice-servers-bundle.test.ts'))('LOCAL_FUNCTIONS=bundles with LOCAL_TURN=coturn: GET /ice-servers is the deployed function', () => {
  it('issues credentials signed with the TURN secret read from Secrets Manager, refuses without a token or outside the scope, and logs and counts as on AWS', async () => {
    runtime = await startTestRuntime({ settings });
    const endpoint = new URL('/ice-servers', runtime.url.replace(/^ws/, 'http'));
    const get = async (room: string, token?: string) => {
      const url = new URL(endpoint);
      url.searchParams.set('room', room);
      const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return { status: response.status, body: (await response.json()) as { iceServers?: { urls: string[]; username?: string; credential?: string }[]; error?: string } };
    };

    const issued = await get('lobby', await hs256Token({ sub: 'ada', rooms: ['lobby'] }));
    expect(issued.status).toBe(200);
    const turn = issued.body.iceServers!.find((server) => server.username)!;
    expect(turn.urls).toEqual(runtime.coturn!.turnUrls);
    expect(turn.username).toMatch(/^\d+:ada$/);
    expect(turn.credential).toBe(createHmac('sha1', turnSecret).update(turn.username!).digest('base64'));

    expect(await get('lobby')).toMatchObject({ status: 401 });
    expect(await get('elsewhere', await hs256Token({ sub: 'ada', rooms: ['lobby'] }))).toMatchObject({ status: 403 });

    const iceFunction = runtime.bundled!.functions.get('iceServers')!;
    expect(iceFunction.environments).toBeGreaterThan(0);
    const log = runtime.bundled!.logs.tail('iceServers').join('\n');
    expect(log).toMatch(/REPORT RequestId: \S+\s+Duration/);
    // The EMF lines of the function's output, as CloudWatch reads them.
    const outcomes = () => Object.fromEntries(runtime!.metrics.seriesOf(metricNames.iceServerRequests).map((series) => [series.dimensions['outcome'], series.total.sum]));
    await eventually(() => Object.keys(outcomes()).length === 3);
    expect(outcomes()).toEqual({ issued: 1, unauthorized: 1, forbidden: 1 });
  });

  it('stops the start, naming ICE_SOURCE, when a construct change drops it from the ICE servers function', async () => {
    const error = await startTestRuntime({
      settings,
      adjustStack: (stack) => (stack.signaling.iceServers!.function.node.defaultChild as CfnResource).addPropertyDeletionOverride('Environment.Variables.ICE_SOURCE'),
    }).then(
      (running) => {
        runtime = running;
        return undefined;
      },
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('does not set ICE_SOURCE for the iceServers function');
  });
});
