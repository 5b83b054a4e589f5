import { GetSignalingChannelEndpointCommand, type KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { GetIceServerConfigCommand, type KinesisVideoSignalingClient } from '@aws-sdk/client-kinesis-video-signaling';
import type { IceServer, IceServerSource, IceServers } from './ice-servers.js';

import { kinesisVideoQuotas } from '../config/ice-servers.js';

export { kinesisVideoQuotas };

export interface KinesisVideoSourceOptions {
  /** The pool: signaling channels the stack created. A caller always gets the same one. */
  readonly channelArns: readonly string[];
  readonly region: string;
  /** The control plane, for each channel's HTTPS endpoint. */
  readonly kinesisVideo: KinesisVideoClient;
  /** A client of one channel's HTTPS endpoint. */
  readonly signalingClient: (endpoint: string) => KinesisVideoSignalingClient;
  /** Hand out cached credentials while at least this much of their life is left. Default 120 s. */
  readonly minRemainingMs?: number;
  /** The quota's window: a throttled request tries again after 1–2 and 3–5 of these. Default 1 s. */
  readonly retryBaseMs?: number;
  readonly now?: () => number;
}

/** No credentials could be had: every channel tried was throttled or failed, and nothing cached is still valid. */
export class IceServersUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'IceServersUnavailableError';
  }
}

interface Cached {
  readonly servers: IceServers;
  readonly fetchedAt: number;
}

/**
 * TURN credentials of Kinesis Video Streams' managed TURN, with caching built for its quotas:
 * - Each channel's credentials are fetched once and handed to every caller of that channel
 *   while at least `minRemainingMs` of their life is left: one execution environment calls
 *   GetIceServerConfig at most once per channel per (300 s − 120 s), whatever its traffic.
 *   Concurrent requests for a channel wait on the same call.
 * - A caller always maps to the same channel (a hash of its id), so the pool spreads
 *   relayed peers, and their allocations, over the channels evenly.
 * - A throttled or failed channel is answered from its cache while that is still valid,
 *   else by the next channel of the pool; then both once more, in later windows of the quota
 *   (after 1–2 s, then 1–3 s more: many environments starting cold together). Only then does
 *   the request fail, and the client module asks again.
 * - Endpoints (GetSignalingChannelEndpoint) are read once per channel and environment.
 */
export function kinesisVideoSource(options: KinesisVideoSourceOptions): IceServerSource {
  if (options.channelArns.length === 0) throw new Error('the Kinesis Video source needs at least one signaling channel');
  const now = options.now ?? Date.now;
  const minRemainingMs = options.minRemainingMs ?? kinesisVideoQuotas.handedOutWithSecondsLeft * 1000;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const stun: IceServer = { urls: `stun:stun.kinesisvideo.${options.region}.amazonaws.com:443` };
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<Cached>>();
  const endpoints = new Map<string, Promise<string>>();

  const endpointOf = (channelArn: string): Promise<string> => {
    let endpoint = endpoints.get(channelArn);
    if (!endpoint) {
      endpoint = options.kinesisVideo
        .send(
          new GetSignalingChannelEndpointCommand({
            ChannelARN: channelArn,
            SingleMasterChannelEndpointConfiguration: { Protocols: ['HTTPS'], Role: 'VIEWER' },
          }),
        )
        .then(({ ResourceEndpointList }) => {
          const https = ResourceEndpointList?.find((entry) => entry.Protocol === 'HTTPS')?.ResourceEndpoint;
          if (!https) throw new Error(`GetSignalingChannelEndpoint gave no HTTPS endpoint for ${channelArn}`);
          return https;
        });
      endpoints.set(channelArn, endpoint);
      // A failed read is tried again by the next request, not remembered.
      endpoint.catch(() => endpoints.delete(channelArn));
    }
    return endpoint;
  };

  const fetchChannel = async (channelArn: string): Promise<Cached> => {
    const endpoint = await endpointOf(channelArn);
    const fetchedAt = now();
    const { IceServerList } = await options.signalingClient(endpoint).send(new GetIceServerConfigCommand({ ChannelARN: channelArn, Service: 'TURN' }));
    const turn = (IceServerList ?? []).filter((server) => server.Uris?.length && server.Username && server.Password);
    if (turn.length === 0) throw new Error(`GetIceServerConfig returned no TURN server for ${channelArn}`);
    const ttlSeconds = Math.min(...turn.map((server) => server.Ttl ?? kinesisVideoQuotas.credentialSeconds));
    const cached: Cached = {
      fetchedAt,
      servers: {
        iceServers: [stun, ...turn.map((server) => ({ urls: [...server.Uris!], username: server.Username!, credential: server.Password! }))],
        expiresAt: fetchedAt + ttlSeconds * 1000,
      },
    };
    cache.set(channelArn, cached);
    return cached;
  };

  const fresh = (channelArn: string): Promise<Cached> => {
    let call = inFlight.get(channelArn);
    if (!call) {
      call = fetchChannel(channelArn).finally(() => inFlight.delete(channelArn));
      inFlight.set(channelArn, call);
    }
    return call;
  };

  /** The channel's cached credentials, if at least `remainingMs` of their life is left. */
  const cachedFor = (channelArn: string, remainingMs: number): IceServers | undefined => {
    const servers = cache.get(channelArn)?.servers;
    return servers && servers.expiresAt - now() >= remainingMs ? servers : undefined;
  };

  const fromChannel = async (channelArn: string): Promise<IceServers> => {
    const cached = cachedFor(channelArn, minRemainingMs);
    if (cached) return cached;
    try {
      return (await fresh(channelArn)).servers;
    } catch (error) {
      // Throttled (ClientLimitExceededException) or down: what is cached serves while it lasts.
      const lasting = cachedFor(channelArn, 1_000);
      if (lasting) return lasting;
      throw error;
    }
  };

  return {
    async iceServers(user: string): Promise<IceServers> {
      const { channelArns } = options;
      const first = channelArns[hash(user) % channelArns.length]!;
      const next = channelArns[(hash(user) + 1) % channelArns.length]!;
      const attempts = [first, next, first, next];
      let lastError: unknown;
      for (const [index, channelArn] of attempts.entries()) {
        // Many environments starting cold together: retry in a later quota window, spread out.
        if (index === 2) await sleep(retryBaseMs * (1 + Math.random()));
        if (index === 3) await sleep(retryBaseMs * (1 + 2 * Math.random()));
        try {
          return await fromChannel(channelArn);
        } catch (error) {
          lastError = error;
        }
      }
      throw new IceServersUnavailableError(
        `Kinesis Video Streams gave no TURN credentials after ${attempts.length} attempts: ${(lastError as Error)?.message ?? String(lastError)}`,
        lastError,
      );
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** FNV-1a: a stable, even spread of callers over the pool. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}
