import { describe, expect, it } from 'vitest';
import { iceServersConfigFromEnvironment } from '../../src/config/ice-servers.js';
import { ConfigurationError } from '../../src/config/limits.js';

describe('the ICE servers function settings', () => {
  it('reads a shared-secret source with its defaults', () => {
    expect(iceServersConfigFromEnvironment({ TURN_URLS: 'turn:turn.example.com:3478?transport=udp, turns:turn.example.com:5349?transport=tcp', TURN_SECRET_ID: 'arn:secret' })).toEqual({
      source: 'shared-secret',
      turnUrls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'],
      turnSecretId: 'arn:secret',
      credentialTtlSeconds: 3600,
      stunUrls: [],
      requestsPerWindow: 30,
      windowSeconds: 60,
    });
  });

  it('reads a Kinesis Video source', () => {
    expect(iceServersConfigFromEnvironment({ ICE_SOURCE: 'kinesis-video', KVS_CHANNEL_ARNS: 'arn:a,arn:b', ICE_REQUESTS_PER_WINDOW: '5' })).toMatchObject({
      source: 'kinesis-video',
      channelArns: ['arn:a', 'arn:b'],
      requestsPerWindow: 5,
    });
  });

  it.each([
    [{ ICE_SOURCE: 'coturn' }, /ICE_SOURCE must be shared-secret or kinesis-video/],
    [{ TURN_SECRET_ID: 'x' }, /TURN_URLS must list the TURN server's URLs/],
    [{ TURN_URLS: 'turn:a:3478' }, /TURN_SECRET_ID must name the Secrets Manager secret/],
    [{ TURN_URLS: 'http://a', TURN_SECRET_ID: 'x' }, /"http:\/\/a" is not a TURN URL/],
    [{ TURN_URLS: 'turn:a', TURN_SECRET_ID: 'x', STUN_URLS: 'turn:a' }, /"turn:a" is not a STUN URL/],
    [{ ICE_SOURCE: 'kinesis-video' }, /KVS_CHANNEL_ARNS must list at least one/],
    [{ TURN_URLS: 'turn:a', TURN_SECRET_ID: 'x', ICE_WINDOW_SECONDS: '0' }, /ICE_WINDOW_SECONDS must be a positive integer/],
  ])('refuses %o with a message that says what to set', (env, message) => {
    expect(() => iceServersConfigFromEnvironment(env)).toThrow(ConfigurationError);
    expect(() => iceServersConfigFromEnvironment(env)).toThrow(message);
  });
});
