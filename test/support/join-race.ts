import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinOrderFromEnvironment } from '../../src/config/join-order.js';
import type { GatewayTimingMode } from '../../src/local/gateway-timing.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { forEachBounded } from '../../src/signaling/bounded.js';
import { startTestRuntime } from './runtime.js';
import { TestClient } from './test-client.js';

export interface JoinRaceResult {
  readonly gapMs: number;
  /** Whether the first peer received the second's announce, and the other way round. */
  readonly firstHeardSecond: boolean;
  readonly secondHeardFirst: boolean;
}

export type JoinRaceOutcome = 'one-way' | 'glare' | 'stalemate';

export function outcomeOf(result: JoinRaceResult): JoinRaceOutcome {
  if (result.firstHeardSecond && result.secondHeardFirst) return 'glare';
  if (!result.firstHeardSecond && !result.secondHeardFirst) return 'stalemate';
  return 'one-way';
}

/** What y-webrtc sends when it opens a room: subscribe, then announce, in the same tick. */
function join(client: TestClient, topic: string, peerId: string): void {
  client.send({ type: 'subscribe', topics: [topic] });
  client.send({ type: 'publish', topic, data: { type: 'announce', from: peerId } });
}

const heard = (client: TestClient, peerId: string) =>
  client.received.some((message) => (message as { data?: { from?: string } }).data?.from === peerId);

/**
 * Two newcomers open one room `gapMs` apart, as y-webrtc does, and the result says who
 * received whose announce. It waits for what a user would see: each peer's own announce
 * coming back (it is in the room), then long enough for the other fan-out to finish.
 */
export async function joinRace(url: string, topic: string, gapMs: number, settleMs = 400): Promise<JoinRaceResult> {
  const [first, second] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
  try {
    join(first, topic, `${topic}-first`);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    join(second, topic, `${topic}-second`);
    await Promise.all([untilHeard(first, `${topic}-first`), untilHeard(second, `${topic}-second`)]);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { gapMs, firstHeardSecond: heard(first, `${topic}-second`), secondHeardFirst: heard(second, `${topic}-first`) };
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
}

async function untilHeard(client: TestClient, peerId: string): Promise<void> {
  // Its own announce coming back is a round trip: seconds, as a y-webrtc user waits.
  for (let count = 1; !heard(client, peerId); count++) await client.receivedCount(count, 5_000);
}

/** Runs `work` over `items`, at most `concurrency` at a time, keeping the results in order. */
export async function inBatches<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  await forEachBounded(items.map((_, index) => index), concurrency, async (index) => {
    results[index] = await work(items[index] as T, index);
  });
  return results;
}

/**
 * Issue 9's protocol-level proof: two newcomers send subscribe + announce some ms apart; in
 * every trial exactly one of them receives the other's announce. One runtime per timing
 * (each test file is its own process: see join-race-aws.test.ts). `JOIN_ORDER=arrival npx
 * vitest run test/e2e/join-race` shows the reference rule failing the same trials.
 */
export function joinRaceSuite(gatewayTiming: GatewayTimingMode, trialsPerGap: number): void {
  const gaps = [0, 2, 5, 20, 50];
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ settings: { gatewayTiming }, joinOrder: joinOrderFromEnvironment(process.env) });
  });
  afterAll(() => runtime?.stop());

  describe(`two peers joining one room together (GATEWAY_TIMING=${gatewayTiming})`, () => {
    it(`gives exactly one of them the other's announce, ${trialsPerGap} trials at each of ${gaps.join(', ')} ms apart`, async () => {
      const trials = gaps.flatMap((gap) => Array.from({ length: trialsPerGap }, () => gap));
      const results = await inBatches(trials, 8, (gap, index) => joinRace(runtime.url, `race-${gatewayTiming}-${index}`, gap));
      const failures = results.filter((result) => outcomeOf(result) !== 'one-way').map((result) => `${outcomeOf(result)} at ${result.gapMs} ms`);
      expect(failures, `seed ${runtime.timing.seed}`).toEqual([]);
      // Both directions happen: the order follows the joins, not a fixed side.
      expect(results.some((result) => result.firstHeardSecond)).toBe(true);
    }, 180_000);
  });
}
