import { choiceFromEnvironment } from './choice.js';
import { ConfigurationError } from './limits.js';
import type { Environment } from './environment.js';

/** The ICE servers endpoint's defaults, for the construct and `npm start` alike. */
export const iceServersDefaults = {
  /** How long TURN credentials of a shared-secret source live. */
  credentialTtlSeconds: 3_600,
  /** Requests per caller (token subject, or source IP without authorization) and window. */
  requestsPerWindow: 30,
  windowSeconds: 60,
} as const;

/**
 * What Kinesis Video Streams promises (docs/deploy.md, "Kinesis Video Streams TURN"):
 * credentials live 300 s, and GetIceServerConfig takes 5 requests per second per channel;
 * and how long cached credentials are still handed out (src/turn/kinesis-video-source.ts).
 */
export const kinesisVideoQuotas = { credentialSeconds: 300, iceServerConfigPerChannelPerSecond: 5, handedOutWithSecondsLeft: 120 } as const;

/** The path the endpoint answers on, locally and on its function URL. */
export const iceServersPath = '/ice-servers';

export const iceServerSources = ['shared-secret', 'kinesis-video'] as const;
export type IceServerSourceKind = (typeof iceServerSources)[number];

/** The ICE servers function's variables, set by the construct (infra/parts/ice-servers.ts). */
export const iceServersVariables = {
  source: 'ICE_SOURCE',
  turnUrls: 'TURN_URLS',
  stunUrls: 'STUN_URLS',
  turnSecretId: 'TURN_SECRET_ID',
  credentialTtlSeconds: 'TURN_CREDENTIAL_SECONDS',
  channelArns: 'KVS_CHANNEL_ARNS',
  requestsPerWindow: 'ICE_REQUESTS_PER_WINDOW',
  windowSeconds: 'ICE_WINDOW_SECONDS',
} as const;

interface Common {
  readonly stunUrls: readonly string[];
  readonly requestsPerWindow: number;
  readonly windowSeconds: number;
}

export type IceServersConfig =
  | (Common & {
      readonly source: 'shared-secret';
      readonly turnUrls: readonly string[];
      /** Secrets Manager secret (ARN or name) whose secret string is the TURN server's shared secret. */
      readonly turnSecretId: string;
      readonly credentialTtlSeconds: number;
    })
  | (Common & {
      readonly source: 'kinesis-video';
      readonly channelArns: readonly string[];
    });

const list = (env: Environment, name: string) =>
  (env[name] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

const positive = (env: Environment, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

/** TURN URLs as the TURN REST API and browsers take them: `turn:` or `turns:`, host, optional port and transport. */
export function checkTurnUrl(url: string, variable: string): void {
  if (!/^turns?:[^\s/?#]+(\?transport=(udp|tcp))?$/.test(url)) {
    throw new ConfigurationError(`${variable}: "${url}" is not a TURN URL (turn:host[:port][?transport=udp|tcp], or turns:…)`);
  }
}

/** The endpoint's settings, checked: what the function reads, and what the construct checks at synth. */
export function iceServersConfigFromEnvironment(env: Environment): IceServersConfig {
  const v = iceServersVariables;
  const source = choiceFromEnvironment(env, v.source, iceServerSources, 'shared-secret');
  const stunUrls = list(env, v.stunUrls);
  for (const url of stunUrls) {
    if (!/^stun:[^\s/?#]+$/.test(url)) throw new ConfigurationError(`${v.stunUrls}: "${url}" is not a STUN URL (stun:host[:port])`);
  }
  const common: Common = {
    stunUrls,
    requestsPerWindow: positive(env, v.requestsPerWindow, iceServersDefaults.requestsPerWindow),
    windowSeconds: positive(env, v.windowSeconds, iceServersDefaults.windowSeconds),
  };
  if (source === 'kinesis-video') {
    const channelArns = list(env, v.channelArns);
    if (channelArns.length === 0) throw new ConfigurationError(`${v.channelArns} must list at least one signaling channel ARN`);
    return { ...common, source, channelArns };
  }
  const turnUrls = list(env, v.turnUrls);
  if (turnUrls.length === 0) throw new ConfigurationError(`${v.turnUrls} must list the TURN server's URLs (turn:host:3478, turns:host:5349?transport=tcp)`);
  for (const url of turnUrls) checkTurnUrl(url, v.turnUrls);
  const turnSecretId = env[v.turnSecretId];
  if (!turnSecretId) throw new ConfigurationError(`${v.turnSecretId} must name the Secrets Manager secret that holds the TURN server's shared secret`);
  return { ...common, source, turnUrls, turnSecretId, credentialTtlSeconds: positive(env, v.credentialTtlSeconds, iceServersDefaults.credentialTtlSeconds) };
}
