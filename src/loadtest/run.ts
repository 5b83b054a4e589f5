import type { Percentiles } from '../tools/stats.js';
import { CutWatch, type CutReport } from './cut-watch.js';
import { LatencyRecorder } from './latency-recorder.js';
import type { DynamoDbTotals } from './local-dashboard.js';
import { SaturationWatch, type Saturation, type SaturationChange } from './saturation.js';
import { SimulatedPeer, type PeerEvents } from './simulated-peer.js';

export interface LoadTestOptions {
  readonly url: string;
  readonly clients: number;
  readonly rooms: number;
  /** Room names are `<prefix>-room-<n>`; default `loadtest`. */
  readonly roomPrefix?: string;
  readonly durationSeconds: number;
  /** Mean session length before a client leaves and rejoins, in seconds. */
  readonly sessionSeconds: number;
  /** New connections per second while ramping up. */
  readonly rampPerSecond: number;
  readonly onProgress?: (progress: Progress) => void;
  readonly progressIntervalMs?: number;
  /** Ends the run early (Ctrl-C): the clients leave and the report covers the time run. */
  readonly signal?: AbortSignal;
  /** Cuts every connection this many seconds in, as API Gateway does at a connection's 2-hour mark. */
  readonly cutAtSeconds?: number;
  /** Spreads the cuts over this many seconds (as the client module's early close does); 0: all at once. */
  readonly cutSpreadSeconds?: number;
  /** The server's DynamoDB totals so far, when it can tell them (the local runtime): the cut's cost. */
  readonly dynamoDbTotals?: () => Promise<DynamoDbTotals | undefined>;
}

export interface Progress {
  readonly elapsedSeconds: number;
  readonly connected: number;
  readonly sentPerSecond: number;
  readonly receivedPerSecond: number;
  readonly errors: number;
  readonly latency: Percentiles;
  /** Set on the window where the server fell behind, or caught up again. */
  readonly change?: SaturationChange;
}

export interface LoadTestReport {
  readonly url: string;
  readonly clients: number;
  readonly rooms: number;
  readonly durationSeconds: number;
  /** How long it ran: `durationSeconds`, or less when it was interrupted. */
  readonly ranSeconds: number;
  readonly interrupted: boolean;
  readonly connections: number;
  readonly sent: number;
  readonly received: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly errorsByKind: Record<string, number>;
  readonly errorSamples: string[];
  readonly latency: Percentiles;
  readonly peakConnected: number;
  /** Mean session before a client leaves and rejoins as a new peer: why connections made exceed clients. */
  readonly sessionSeconds: number;
  /** Whether the server kept up: behind at the end means it cannot hold this load, errors or not. */
  readonly saturation: Saturation;
  /** With `cutAtSeconds`: the reconnect wave. */
  readonly cut?: CutReport;
}

const cleanupSettleMs = 5_000;

/** Runs simulated y-webrtc clients against a signaling URL for a bounded time. */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestReport> {
  const latency = new LatencyRecorder();
  const errorsByKind: Record<string, number> = {};
  const errorSamples: string[] = [];
  let connected = 0;
  let peakConnected = 0;
  let connections = 0;
  let sent = 0;
  let received = 0;
  let errors = 0;
  const events: PeerEvents = {
    connected: () => {
      connected++;
      connections++;
      peakConnected = Math.max(peakConnected, connected);
    },
    disconnected: () => void connected--,
    sent: () => void sent++,
    received: (ms: number | undefined) => {
      received++;
      if (ms !== undefined) latency.record(ms);
    },
    error: (kind: string, detail: string) => {
      errors++;
      errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
      if (errorSamples.length < 20) errorSamples.push(`${kind}: ${detail}`);
    },
  };

  const cutWatch = options.cutAtSeconds === undefined ? undefined : new CutWatch(options.cutAtSeconds, options.cutSpreadSeconds ?? 0);
  if (cutWatch) events.inRoom = (peer: SimulatedPeer) => cutWatch.inRoom(peer);
  const peers = Array.from(
    { length: options.clients },
    (_, index) =>
      new SimulatedPeer({ url: options.url, room: `${options.roomPrefix ?? 'loadtest'}-room-${index % options.rooms}`, sessionMs: options.sessionSeconds * 1000, events }),
  );
  const started = Date.now();
  let lastSent = 0;
  let lastReceived = 0;
  let lastTick = started;
  const interval = options.progressIntervalMs ?? 2_000;
  const saturation = new SaturationWatch();
  const progress = setInterval(() => {
    const now = Date.now();
    const seconds = (now - lastTick) / 1000;
    const elapsedSeconds = (now - started) / 1000;
    const window = latency.takeWindow();
    const change = saturation.observe(elapsedSeconds, window.p50);
    options.onProgress?.({
      elapsedSeconds,
      connected,
      sentPerSecond: (sent - lastSent) / seconds,
      receivedPerSecond: (received - lastReceived) / seconds,
      errors,
      latency: window,
      ...(change ? { change } : {}),
    });
    [lastSent, lastReceived, lastTick] = [sent, received, now];
  }, interval);

  const ramp = Math.max(1, options.rampPerSecond);
  const startTimers = peers.map((peer, index) => setTimeout(() => peer.start(), (index / ramp) * 1000));
  let dynamoDbAtCut: Promise<DynamoDbTotals | undefined> | undefined;
  let dynamoDbAtWhole: Promise<DynamoDbTotals | undefined> | undefined;
  if (cutWatch) {
    startTimers.push(
      setTimeout(() => {
        dynamoDbAtCut = options.dynamoDbTotals?.();
        cutWatch.cut(peers);
      }, options.cutAtSeconds! * 1000),
    );
    // The cut connections' cleanup runs off the table's stream after they are gone: a few seconds more.
    void cutWatch.whole.then(() => startTimers.push(setTimeout(() => (dynamoDbAtWhole ??= options.dynamoDbTotals?.()), cleanupSettleMs)));
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.durationSeconds * 1000);
    options.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const ranSeconds = Math.min(options.durationSeconds, (Date.now() - started) / 1000);
  for (const timer of startTimers) clearTimeout(timer);
  clearInterval(progress);
  cutWatch?.stop();
  if (cutWatch?.window.to !== undefined) dynamoDbAtWhole ??= options.dynamoDbTotals?.();
  const cut = cutWatch?.report(await dynamoDbCost(await dynamoDbAtCut, await dynamoDbAtWhole, cutWatch.reconnects));
  const framesWaiting = peers.filter((peer) => peer.awaitingOwnAnnounce).length;
  await Promise.all(peers.map((peer) => peer.stop()));

  return {
    url: options.url,
    clients: options.clients,
    rooms: options.rooms,
    durationSeconds: options.durationSeconds,
    ranSeconds,
    interrupted: options.signal?.aborted ?? false,
    connections,
    sent,
    received,
    errors,
    errorRate: sent === 0 ? (errors > 0 ? 1 : 0) : errors / sent,
    errorsByKind,
    errorSamples,
    latency: latency.overall(),
    peakConnected,
    sessionSeconds: options.sessionSeconds,
    saturation: saturation.verdict(framesWaiting),
    ...(cut ? { cut } : {}),
  };
}

/** The DynamoDB requests and capacity units between the cut and the last room whole, per reconnect. */
function dynamoDbCost(atCut: DynamoDbTotals | undefined, atWhole: DynamoDbTotals | undefined, reconnects: number): Pick<CutReport, 'dynamoDb'> {
  if (!atCut || !atWhole || reconnects === 0) return {};
  return {
    dynamoDb: {
      requestsPerReconnect: (atWhole.requests - atCut.requests) / reconnects,
      capacityUnitsPerReconnect: (atWhole.capacityUnits - atCut.capacityUnits) / reconnects,
    },
  };
}
