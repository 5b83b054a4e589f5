import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayTimingMode } from '../../src/local/gateway-timing.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { forEachBounded } from '../../src/signaling/bounded.js';
import type { FunctionsMode } from '../../src/local/local-settings.js';
import { connectWithId, startTestRuntime } from './runtime.js';
import type { TestClient } from './test-client.js';

/** How long after the first peer the second joins: ms, or once the first's own announce is back (it is in the room), as a peer that comes later. */
export type JoinGap = number | 'after-first-in-room';

export interface JoinRaceResult {
  readonly gapMs: JoinGap;
  /** Whether the first peer received the second's announce, and the other way round. */
  readonly firstHeardSecond: boolean;
  readonly secondHeardFirst: boolean;
  /**
   * Whether the room's join order placed the first peer before the second (its places as the
   * table holds them after the trial); undefined without a join order (JOIN_ORDER=arrival).
   */
  readonly firstPlacedFirst: boolean | undefined;
  /** Whether a peer's own announce never came back to it (it ran before its subscribe, with the reference's rule): it is not in the room. */
  readonly ownAnnounceLost: boolean;
  /** Whether the first peer's own announce had come back to it, so it was in the room and placed, before the second peer joined. */
  readonly firstInRoomBeforeSecondJoined: boolean;
}

export type JoinRaceOutcome = 'one-way' | 'glare' | 'stalemate' | 'not in the room';

export function outcomeOf(result: JoinRaceResult): JoinRaceOutcome {
  if (result.ownAnnounceLost) return 'not in the room';
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
export async function joinRace(runtime: LocalRuntime, topic: string, gapMs: JoinGap, settleMs = 400): Promise<JoinRaceResult> {
  const [first, second] = await Promise.all([connectWithId(runtime), connectWithId(runtime)]);
  try {
    join(first.client, topic, `${topic}-first`);
    if (gapMs === 'after-first-in-room') await untilHeard(first.client, `${topic}-first`);
    else if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    const firstInRoomBeforeSecondJoined = heard(first.client, `${topic}-first`);
    join(second.client, topic, `${topic}-second`);
    const inRoom = await Promise.all([untilHeard(first.client, `${topic}-first`), untilHeard(second.client, `${topic}-second`)]);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const placesRead = await runtime.dependencies.joinOrder?.room(topic);
    const placeOf = (connectionId: string) => placesRead?.places.get(connectionId)?.place ?? Infinity;
    return {
      gapMs,
      firstHeardSecond: heard(first.client, `${topic}-second`),
      secondHeardFirst: heard(second.client, `${topic}-first`),
      firstPlacedFirst: placesRead ? placeOf(first.connectionId) < placeOf(second.connectionId) : undefined,
      ownAnnounceLost: inRoom.includes(false),
      firstInRoomBeforeSecondJoined,
    };
  } finally {
    await Promise.all([first.client.close(), second.client.close()]);
  }
}

/** Whether the peer's own announce came back to it: a round trip, so seconds at most, as a y-webrtc user waits. */
async function untilHeard(client: TestClient, peerId: string): Promise<boolean> {
  try {
    for (let count = 1; !heard(client, peerId); count++) await client.receivedCount(count, 5_000);
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` over `items`, at most `concurrency` at a time, keeping the results in order. */
export async function inBatches<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  await forEachBounded(items.map((_, index) => index), concurrency, async (index) => {
    results[index] = await work(items[index] as T, index);
  });
  return results;
}

/** Gaps at and above which the first peer's frames are handled before the second's arrive, when the gateway hands frames over in order. */
const clearlyApartMs = 20;


/** Races run at once (two peers each). */
const racesAtOnce = 8;

/**
 * Issue 9's protocol-level proof, made stronger by issue 18: two newcomers send subscribe +
 * announce some ms apart.
 * - In every trial exactly one of them receives the other's announce, and it is the one the
 *   room placed first: the later-placed peer's announce reaches the earlier-placed one.
 * - In in-order timing, at 50 ms apart, the room places them in the order they arrived: the
 *   later peer's announce reaches the earlier one in every trial (at 20 ms, in most). In AWS timing a
 *   cold start can hold both frames of the first peer back past the second's (the timing's
 *   model does so in about 1 trial in 10 at 20 ms): then the room places the second first, and
 *   the rule above still holds (docs/architecture.md, "Join order").
 * - A negative control runs the same trials with JOIN_ORDER=arrival (the reference server's
 *   rule) and must see glare or stalemate: a pass above never means the race was not triggered.
 * One file per timing (each test file is its own process: see join-race-aws.test.ts).
 */
export function joinRaceSuite(gatewayTiming: GatewayTimingMode, trialsPerGap: number, functions: FunctionsMode = 'sources'): void {
  const gaps = [0, 2, 5, 20, 50];
  let runtime: LocalRuntime;
  let arrival: LocalRuntime;

  beforeAll(async () => {
    [runtime, arrival] = await Promise.all([
      startTestRuntime({ settings: { gatewayTiming, joinOrder: 'room', functions } }),
      // The negative control needs the race, not the bundles: on the sources it runs without
      // the cold starts of a second set of environments.
      startTestRuntime({ settings: { gatewayTiming, joinOrder: 'arrival' } }),
    ]);
    // On the bundles, a batch of races meets its functions warm, as on AWS, where the cold
    // starts of a burst run side by side. Here they share 2 cores: 32 at once took 3 s each
    // on average, past the 5 s a peer waits for its own announce, which measured this
    // machine's cores, not the join order. The AWS timing still adds Lambda-like cold latency.
    await runtime.bundled?.provision({ connect: 2 * racesAtOnce, message: 4 * racesAtOnce, disconnect: 2 * racesAtOnce });
  }, 120_000);
  afterAll(() => Promise.all([runtime?.stop(), arrival?.stop()]));

  const trials = gaps.flatMap((gap) => Array.from({ length: trialsPerGap }, () => gap));
  const describeResult = (result: JoinRaceResult) =>
    `${outcomeOf(result)} at ${result.gapMs}${typeof result.gapMs === 'number' ? ' ms' : ''} (first heard second: ${result.firstHeardSecond}, placed first: ${result.firstPlacedFirst})`;

  describe(`two peers joining one room together (GATEWAY_TIMING=${gatewayTiming}, LOCAL_FUNCTIONS=${functions})`, () => {
    it(`gives exactly one of them the other's announce, the later-placed one's, ${trialsPerGap} trials at each of ${gaps.join(', ')} ms apart`, async () => {
      const results = await inBatches(trials, racesAtOnce, (gap, index) => joinRace(runtime, `race-${gatewayTiming}-${index}`, gap));
      const failures = results.filter((result) => outcomeOf(result) !== 'one-way' || result.firstHeardSecond !== result.firstPlacedFirst).map(describeResult);
      expect(failures, `seed ${runtime.timing.seed}`).toEqual([]);
      const apart = results.filter((result) => typeof result.gapMs === 'number' && result.gapMs >= clearlyApartMs);
      const inArrivalOrder = apart.filter((result) => result.firstHeardSecond).length;
      // No nominal gap is sure on a loaded machine (8 races at once queue on DynamoDB Local, one
      // request at a time: clean-clone runs placed a first peer after the second at 20 and 50 ms).
      // What is sure, in either timing: a peer whose own announce came back is in the room and
      // placed, so a peer that joins after that reaches it. Those trials, and 5 made so on purpose:
      const later = await inBatches([1, 2, 3, 4, 5], racesAtOnce, (n) => joinRace(runtime, `later-${gatewayTiming}-${n}`, 'after-first-in-room'));
      const settled = [...results.filter((result) => result.firstInRoomBeforeSecondJoined), ...later];
      expect(settled.filter((result) => outcomeOf(result) !== 'one-way' || !result.firstHeardSecond).map(describeResult), 'the later peer reaches the one in the room').toEqual([]);
      // Among the races, both directions happen: the order follows the writes, not a fixed side; mostly the arrivals.
      expect(inArrivalOrder).toBeGreaterThan(apart.length / 2);
      console.log(
        `join race (${gatewayTiming}): ${results.length} trials one-way; at ${clearlyApartMs} ms apart and more, the later peer reached the earlier one in ${inArrivalOrder} of ${apart.length}; ${settled.length} had the first in the room before the second joined (5 on purpose), and in all of them it did`,
      );
    }, 180_000);

    it(`negative control: JOIN_ORDER=arrival fails some of the same trials (glare, stalemate, or an announce that ran before its subscribe)`, async () => {
      // Half the trials of each gap: the reference's rule fails most of them.
      const fast = trials.filter((gap, index) => gap < clearlyApartMs && index % 2 === 0);
      const results = await inBatches(fast, racesAtOnce, (gap, index) => joinRace(arrival, `arrival-${gatewayTiming}-${index}`, gap));
      const failed = results.filter((result) => outcomeOf(result) !== 'one-way');
      const byOutcome = new Map<JoinRaceOutcome, number>();
      for (const result of failed) byOutcome.set(outcomeOf(result), (byOutcome.get(outcomeOf(result)) ?? 0) + 1);
      const counts = [...byOutcome].map(([outcome, count]) => `${count} ${outcome}`);
      console.log(`join race (${gatewayTiming}, JOIN_ORDER=arrival): ${failed.length} of ${results.length} trials at 0 to 5 ms apart failed (${counts.join(', ') || 'none'})`);
      expect(failed.length, `seed ${arrival.timing.seed}`).toBeGreaterThan(0);
    }, 180_000);
  });
}
