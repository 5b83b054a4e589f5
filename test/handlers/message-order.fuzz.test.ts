import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent } from '../../src/gateway/event-builders.js';
import { messageHandler } from '../../src/handlers/message.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { placeOf } from '../../src/signaling/join-order.js';
import { allItems, connectWithId, startTestRuntime } from '../support/runtime.js';
import type { TestClient } from '../support/test-client.js';

/**
 * A connection's own frames, reordered as AWS may run them: each frame is its own Lambda
 * invocation, so a subscribe, an unsubscribe and an announce sent in that order can run in
 * any order, or at once. Scripts of such frames from three real connections in two rooms go
 * through the real message handler (directed signals on, so peer ids are recorded), in a
 * shuffled order with some frames at once; the gateway's arrival stamps say the order they
 * were sent in. The table must then hold what a model that applies the frames in arrival
 * order holds: who is in each room (and markers of left rooms), the peer id each member
 * signs with, and a place of its own membership for every member, none for anyone else.
 */
const scriptRuns = process.env['FUZZ_RUNS'] ? Number(process.env['FUZZ_RUNS']) : 30;
const seed = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : undefined;

type FrameKind = 'subscribe' | 'unsubscribe' | 'announce';
interface ScriptFrame {
  readonly who: number;
  readonly room: number;
  readonly kind: FrameKind;
}

interface Member {
  readonly connectionId: string;
  readonly connectedAt: number;
  readonly client: TestClient;
}

/** A membership as frames in arrival order leave it. */
interface Modelled {
  subscribed: boolean;
  peerId?: string;
}

let runtime: LocalRuntime;
let handler: ReturnType<typeof messageHandler>;
beforeAll(async () => {
  runtime = await startTestRuntime({ settings: { signalDelivery: 'peer' } });
  handler = messageHandler(runtime.dependencies);
});
afterAll(() => runtime?.stop());

const frameArbitrary = fc.record({ who: fc.nat(2), room: fc.nat(1), kind: fc.constantFrom<FrameKind>('subscribe', 'unsubscribe', 'announce') });
const scriptArbitrary = fc
  .array(frameArbitrary, { minLength: 3, maxLength: 14 })
  .chain((frames) =>
    fc.record({
      frames: fc.constant(frames),
      // The order the invocations run in, and which of them run together with the one before.
      order: fc.shuffledSubarray(frames.map((_, index) => index), { minLength: frames.length, maxLength: frames.length }),
      together: fc.array(fc.boolean(), { minLength: frames.length, maxLength: frames.length }),
    }),
  );

/**
 * Applies the frames in the order they arrived: a subscribe joins a room it is not in, an
 * unsubscribe leaves it (and the peer id with it), an announce joins if need be and records
 * its peer id. A y-webrtc room has one peer id per membership: the peer id names the
 * membership (connection, room, how many times it left before).
 */
function model(frames: readonly ScriptFrame[]): { memberships: Map<string, Modelled>; peerIds: string[] } {
  const memberships = new Map<string, Modelled>();
  const leaves = new Map<string, number>();
  const peerIds: string[] = [];
  for (const { who, room, kind } of frames) {
    const key = `${who} ${room}`;
    const membership = memberships.get(key) ?? { subscribed: false };
    memberships.set(key, membership);
    if (kind === 'unsubscribe') {
      leaves.set(key, (leaves.get(key) ?? 0) + 1);
      membership.subscribed = false;
      delete membership.peerId;
    } else {
      membership.subscribed = true;
      if (kind === 'announce') membership.peerId = `p${who}-r${room}-${leaves.get(key) ?? 0}`;
    }
    peerIds.push(kind === 'announce' ? membership.peerId! : '');
  }
  return { memberships, peerIds };
}

let run = 0;

describe("a connection's frames reordered as AWS may run them", () => {
  it(`leave the table as the frames in arrival order would (${scriptRuns} scripts)`, async () => {
    let frameCount = 0;
    let reordered = 0;
    await fc.assert(
      fc.asyncProperty(scriptArbitrary, async ({ frames, order, together }) => {
        const rooms = [`order-${++run}-a`, `order-${run}-b`];
        const members: Member[] = await Promise.all([0, 1, 2].map(() => connectWithId(runtime)));
        try {
          const { memberships, peerIds } = model(frames);
          // Stamped as the gateway stamps frames on arrival: 2 ms apart, in the script's order.
          const arrivedAt = Date.now();
          const events = frames.map(({ who, room, kind }, index) => {
            const member = members[who]!;
            const topic = rooms[room]!;
            const body =
              kind === 'announce'
                ? JSON.stringify({ type: 'publish', topic, data: { type: 'announce', from: peerIds[index] } })
                : JSON.stringify({ type: kind, topics: [topic] });
            return messageEvent(
              { apiId: 'local', stage: 'local', domainName: `127.0.0.1:${runtime.gateway.port}` },
              { connectionId: member.connectionId, connectedAt: member.connectedAt, sourceIp: '127.0.0.1' },
              { body, requestTimeEpoch: arrivedAt + 2 * index },
            );
          });
          // Invocations in the shuffled order; a frame marked `together` starts with the one before it.
          let batch: number[] = [];
          const batches: number[][] = [];
          order.forEach((index, position) => {
            if (position > 0 && !together[position]) batches.push((batch = []));
            else if (position === 0) batches.push(batch);
            batch.push(index);
          });
          for (const indexes of batches) {
            const results = await Promise.all(indexes.map((index) => handler(events[index]!)));
            expect(results.every((result) => result?.statusCode === 200)).toBe(true);
          }
          frameCount += frames.length;
          if (order.some((index, position) => index !== position)) reordered++;

          const items = await allItems(runtime);
          const text = (item: Record<string, unknown>, name: string) => (item[name] as { S?: string } | undefined)?.S;
          const stored = new Map<string, string>();
          for (const item of items) {
            if (text(item, '__edb_e__') !== 'subscription') continue;
            const room = rooms.indexOf(text(item, 'topic')!);
            const who = members.findIndex((member) => member.connectionId === text(item, 'connectionId'));
            if (room === -1 || who === -1) continue;
            stored.set(`${who} ${room}`, item['joinedAt'] !== undefined ? `in ${text(item, 'peerId') ?? '-'}` : 'left');
          }
          const modelled = new Map([...memberships].map(([key, membership]) => [key, membership.subscribed ? `in ${membership.peerId ?? '-'}` : 'left']));
          const script = () => `frames ${JSON.stringify(frames.map(({ who, room, kind }) => `${kind} ${who}@${room}`))} run in order ${JSON.stringify(batches)}`;
          expect(Object.fromEntries(stored), script()).toEqual(Object.fromEntries(modelled));

          // Every member has a place of its own membership; nobody else has one; no two share one.
          for (const [room, topic] of rooms.entries()) {
            const view = await runtime.dependencies.joinOrder!.room(topic);
            const placed = members.map((member, who) => [who, placeOf(view, member.connectionId)] as const).filter(([, place]) => place !== undefined);
            const inRoom = [...memberships].filter(([key, membership]) => membership.subscribed && key.endsWith(` ${room}`)).map(([key]) => Number(key.split(' ')[0]));
            expect(placed.map(([who]) => who).sort(), `places in room ${room}: ${script()}`).toEqual(inRoom.sort());
            expect(new Set(placed.map(([, place]) => place)).size).toBe(placed.length);
          }
        } finally {
          await Promise.all(members.map((member) => member.client.close()));
        }
      }),
      { numRuns: scriptRuns, endOnFailure: true, ...(seed !== undefined ? { seed } : {}) },
    );
    console.log(`message order fuzz: ${scriptRuns} scripts, ${frameCount} frames, ${reordered} scripts run out of arrival order`);
  }, 180_000);
});
