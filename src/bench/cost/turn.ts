import { iceServersDefaults, kinesisVideoQuotas } from '../../config/ice-servers.js';
import { operationCosts, prices } from './prices.js';
import { trafficOf, type CostLine, type Workload } from './run.js';

/** What decides the cost of TURN on top of signaling (`iceServers` on the construct). */
export interface TurnWorkload {
  /** The share of peer connections that only a relay connects (symmetric NATs, UDP blocked). */
  readonly relayedShare: number;
  /** What a relayed peer connection carries, both directions together. */
  readonly relayKbps: number;
  /** Signaling channels in the Kinesis Video pool. */
  readonly channels: number;
}

export interface TurnEstimate {
  readonly source: 'kinesis-video' | 'shared-secret';
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

/** The client module fetches again a fifth of the credentials' life before they expire, at most 60 s before. */
const refreshAfterSeconds = (lifetimeSeconds: number) => lifetimeSeconds - Math.min(60, lifetimeSeconds / 5);
const { credentialSeconds, handedOutWithSecondsLeft } = kinesisVideoQuotas;
/** Kinesis Video credentials are handed out while 120 s of their 300 are left: a page gets 120 to 300 s, 210 on average. */
const kinesisVideoAverageLifetimeSeconds = (credentialSeconds + handedOutWithSecondsLeft) / 2;
/** One environment asks a channel at most once per 300 − 120 s (src/turn/kinesis-video-source.ts). */
const kinesisVideoCallsPerChannelEnvironmentHour = 3600 / (credentialSeconds - handedOutWithSecondsLeft);
/** Billed milliseconds of a warm request to the ICE servers function (a token check, an UpdateItem, a cached source): an assumption. */
const iceRequestMilliseconds = 10;

/**
 * TURN's monthly cost for a workload, by source. The endpoint's own cost (one Lambda request
 * and one DynamoDB write, the rate limit, per fetch) is the same for both; a Kinesis Video
 * pool adds its channels, its GetIceServerConfig calls and its TURN minutes; a TURN server of
 * your own adds the data it relays out of AWS, not counting the server itself.
 */
export function estimateTurn(workload: Workload, turn: TurnWorkload): TurnEstimate[] {
  const t = trafficOf(workload);
  const connectionSeconds = t.connectionMinutes * 60;
  // Each connection fetches once when it starts, then before each expiry.
  const fetches = (lifetimeSeconds: number) => t.sessions + connectionSeconds / refreshAfterSeconds(lifetimeSeconds);
  // Each connection has a peer connection to every other peer of its room; the relayed ones hold a TURN allocation.
  const relayedMinutes = t.connectionMinutes * (t.peersPerRoom - 1) * turn.relayedShare;
  const relayedGb = (relayedMinutes * 60 * turn.relayKbps) / 8 / 1e6;
  const endpoint = (requests: number): CostLine[] => [
    { item: 'Lambda requests (ICE servers)', quantity: requests, unit: 'requests', usd: (requests / 1e6) * prices.lambda.perMillionRequests },
    {
      item: 'Lambda compute (ICE servers)',
      quantity: (requests * iceRequestMilliseconds * operationCosts.lambdaMemoryGb) / 1000,
      unit: 'GB-s',
      usd: ((requests * iceRequestMilliseconds * operationCosts.lambdaMemoryGb) / 1000) * prices.lambda.perGbSecond,
    },
    { item: 'DynamoDB write units (rate limit)', quantity: requests, unit: 'WRU', usd: (requests / 1e6) * prices.dynamoDb.perMillionWriteUnits },
  ];

  const kvsRequests = fetches(kinesisVideoAverageLifetimeSeconds);
  // Environments busy at once (Little's law), at least one per channel used.
  const environments = Math.max(1, Math.ceil((kvsRequests / (workload.hours * 3600)) * (iceRequestMilliseconds / 1000)));
  const iceServerConfigCalls = Math.min(kvsRequests, turn.channels * environments * kinesisVideoCallsPerChannelEnvironmentHour * workload.hours);
  const months = workload.hours / 730;
  const kinesisVideo: CostLine[] = [
    ...endpoint(kvsRequests),
    { item: 'Kinesis Video active channels', quantity: turn.channels, unit: 'channels', usd: turn.channels * Math.max(1, Math.ceil(months)) * prices.kinesisVideo.perActiveChannelMonth },
    { item: 'Kinesis Video GetIceServerConfig', quantity: iceServerConfigCalls, unit: 'messages', usd: (iceServerConfigCalls / 1e6) * prices.kinesisVideo.perMillionSignalingMessages },
    { item: 'Kinesis Video TURN minutes', quantity: relayedMinutes, unit: 'minutes', usd: (relayedMinutes / 1000) * prices.kinesisVideo.perThousandTurnMinutes },
  ];
  const sharedSecret: CostLine[] = [
    ...endpoint(fetches(iceServersDefaults.credentialTtlSeconds)),
    { item: 'Data relayed out by your TURN server (EC2)', quantity: relayedGb, unit: 'GB', usd: relayedGb * prices.dataTransferOutPerGb },
  ];
  const total = (lines: CostLine[]) => lines.reduce((sum, line) => sum + line.usd, 0);
  return [
    { source: 'kinesis-video', lines: kinesisVideo, totalUsd: total(kinesisVideo) },
    { source: 'shared-secret', lines: sharedSecret, totalUsd: total(sharedSecret) },
  ];
}
