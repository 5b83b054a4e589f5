import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IceServersUnavailableError, kinesisVideoQuotas, kinesisVideoSource, type KinesisVideoSourceOptions } from '../../src/turn/kinesis-video-source.js';
import { KinesisVideoStandIn } from '../support/kinesis-video-stand-in.js';

const channel = (n: number) => `arn:aws:kinesisvideo:us-east-1:123456789012:channel/y-webrtc-turn-${n}/1700000000000`;
const pool = (size: number) => Array.from({ length: size }, (_, n) => channel(n));

describe('the Kinesis Video Streams TURN source, against the SDK at its boundary', () => {
  let kvs: KinesisVideoStandIn;
  beforeAll(async () => {
    kvs = await KinesisVideoStandIn.start();
  });
  afterAll(() => kvs.stop());
  beforeEach(() => {
    kvs.endpointCalls.length = 0;
    kvs.iceServerConfigCalls.length = 0;
    kvs.failing.clear();
    kvs.throttled.clear();
    kvs.ttlSeconds = kinesisVideoQuotas.credentialSeconds;
  });
  const source = (channelArns: readonly string[], extra: Partial<KinesisVideoSourceOptions> = {}) =>
    kinesisVideoSource({ channelArns, region: 'eu-west-1', ...kvs.clients(), retryBaseMs: 50, ...extra });

  it("answers the region's STUN and the channel's TURN servers, expiring when the service's Ttl says", async () => {
    const before = Date.now();
    const servers = await source([channel(0)]).iceServers('alice');
    expect(servers.iceServers[0]).toEqual({ urls: 'stun:stun.kinesisvideo.eu-west-1.amazonaws.com:443' });
    expect(servers.iceServers.slice(1)).toEqual([
      {
        urls: ['turn:y-webrtc-turn-0.kvs.example:443?transport=udp', 'turns:y-webrtc-turn-0.kvs.example:443?transport=tcp'],
        username: expect.stringMatching(/^user-\d+$/),
        credential: expect.stringMatching(/^password-\d+$/),
      },
      { urls: ['turn:y-webrtc-turn-0-b.kvs.example:443?transport=udp'], username: expect.stringMatching(/^user-\d+b$/), credential: expect.stringMatching(/^password-\d+b$/) },
    ]);
    expect(servers.expiresAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(servers.expiresAt).toBeLessThanOrEqual(Date.now() + 300_000);
  });

  it('calls GetIceServerConfig once per channel for any number of concurrent callers, and reads the endpoint once', async () => {
    const kinesis = source([channel(0)]);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => kinesis.iceServers(`user-${n % 50}`)));
    expect(kvs.iceServerConfigCalls).toHaveLength(1);
    expect(kvs.endpointCalls).toEqual([channel(0)]);
    expect(new Set(answers.map((answer) => answer.iceServers[1]!.username)).size).toBe(1);
  });

  it('fetches again once less than two minutes of the credentials are left, never more often', async () => {
    let now = Date.now();
    const kinesis = source([channel(0)], { now: () => now });
    const first = await kinesis.iceServers('alice');
    now += 179_000;
    expect((await kinesis.iceServers('bob')).iceServers[1]!.username).toBe(first.iceServers[1]!.username);
    now += 2_000;
    const second = await kinesis.iceServers('carol');
    expect(second.iceServers[1]!.username).not.toBe(first.iceServers[1]!.username);
    expect(kvs.iceServerConfigCalls).toHaveLength(2);
    // At this pace one environment asks each channel once per 180 s: 900 environments per channel stay under 5 per second.
    expect(kvs.endpointCalls).toHaveLength(1);
  });

  it('spreads callers evenly over the pool, each caller always on the same channel', async () => {
    const channels = pool(4);
    const kinesis = source(channels);
    const channelOf = async (user: string) => {
      const answer = JSON.stringify(await kinesis.iceServers(user));
      return channels.findIndex((arn) => answer.includes(`${arn.split('/')[1]!}.kvs`));
    };
    const counts = [0, 0, 0, 0];
    for (let n = 0; n < 400; n++) counts[await channelOf(`sub:user-${n}`)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(50);
    expect(await channelOf('sub:user-7')).toBe(await channelOf('sub:user-7'));
    expect(kvs.callsPerChannel().size).toBe(4);
  });

  it('answers a throttled channel from its cache while that is valid', async () => {
    let now = Date.now();
    const kinesis = source([channel(0)], { now: () => now });
    const first = await kinesis.iceServers('alice');
    now += 200_000;
    kvs.throttled.add(channel(0));
    expect((await kinesis.iceServers('alice')).iceServers[1]!.username).toBe(first.iceServers[1]!.username);
    expect(kvs.iceServerConfigCalls.map((call) => call.outcome)).toContain('throttled');
  });

  it("moves a throttled caller to the pool's next channel", async () => {
    const channels = pool(2);
    kvs.throttled.add(channels[0]!);
    kvs.throttled.add(channels[1]!);
    const kinesis = source(channels);
    await expect(kinesis.iceServers('alice')).rejects.toBeInstanceOf(IceServersUnavailableError);
    kvs.throttled.delete(channels[1]!);
    const servers = await kinesis.iceServers('alice');
    expect(JSON.stringify(servers)).toContain('y-webrtc-turn-1');
  });

  it('fails with a clear error when no channel answers and nothing cached is valid', async () => {
    kvs.failing.add(channel(0));
    const error = await source([channel(0)]).iceServers('alice').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IceServersUnavailableError);
    expect((error as Error).message).toMatch(/Kinesis Video Streams gave no TURN credentials after 4 attempts/);
  });

  it('keeps a wave of cold environments within 5 calls per second per channel, and every caller gets credentials', async () => {
    // Twenty execution environments start together (a reconnect wave), each with its own cache.
    const channels = pool(3);
    const environments = Array.from({ length: 20 }, () => source(channels, { retryBaseMs: 1_000 }));
    const answers = await Promise.all(environments.map((kinesis, n) => kinesis.iceServers(`sub:user-${n}`)));
    expect(answers.every((answer) => answer.iceServers.length === 3)).toBe(true);
    expect(kvs.iceServerConfigCalls.some((call) => call.outcome === 'throttled')).toBe(true);
    for (const arn of channels) {
      const ok = kvs.iceServerConfigCalls.filter((call) => call.channelArn === arn && call.outcome === 'ok').map((call) => call.at);
      for (const at of ok) expect(ok.filter((other) => other >= at && other - at < 1_000).length).toBeLessThanOrEqual(5);
    }
  });
});
