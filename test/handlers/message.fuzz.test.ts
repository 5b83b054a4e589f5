import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeFromClaim, scopeToContext } from '../../src/signaling/room-scope.js';
import { limitsFromEnvironment, type Limits } from '../../src/config/limits.js';
import { messageEvent } from '../../src/gateway/event-builders.js';
import type { WebSocketEvent } from '../../src/gateway/websocket-event.js';
import { messageHandler } from '../../src/handlers/message.js';
import { isAnnounce } from '../../src/protocol/announce.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { CommandCounter } from '../../src/tools/command-counter.js';
import { CountedMetrics } from '../support/metrics.js';
import { canonical, expectedParse, frameArbitrary, type FrameKind } from '../support/fuzz-frames.js';
import { allItems, connectWithId, startTestRuntime } from '../support/runtime.js';
import { EchoBarrier, TestClient } from '../support/test-client.js';

/**
 * Frames of every kind through the real message handler, on DynamoDB Local, the fan-out going
 * through the emulator's management API to real WebSocket clients. Most frames are handed to
 * the handler directly, in events built as the emulator builds them (fast); a share goes
 * through a client's socket and the emulator's routing. A model of the subscriptions and of
 * each room's join order (JOIN_ORDER=room, the default) says what each frame must do: which
 * reason refuses it, which DynamoDB requests it makes, and what every client receives.
 */

// Small limits, so that short frames reach every boundary. Rate limiting is out of the model.
const environment = {
  MAX_MESSAGE_BYTES: '4096',
  MAX_NESTING_DEPTH: '12',
  MAX_TOPIC_BYTES: '24',
  MAX_TOPICS_PER_MESSAGE: '6',
  MAX_TOPICS_PER_CONNECTION: '10',
  PUBLISHES_PER_SECOND: '1000000',
  PUBLISH_BURST: '1000000',
};
const directFrames = 10_000;
const socketFrames = 1_000;

const seed = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : undefined;
const runs = (numRuns: number) => ({ numRuns, endOnFailure: true, ...(seed !== undefined ? { seed } : {}) });

const counted = CountedMetrics.start();

interface Peer {
  readonly name: string;
  readonly client: TestClient;
  readonly connectionId: string;
  readonly connectedAt: number;
  /** Its own topic: a publish to it comes back once everything sent before is handled. */
  readonly echo: EchoBarrier;
  /** Exact rooms and `prefix*` entries its (direct) events' authorizer context allows; undefined: any room. */
  readonly rooms?: readonly string[];
  /** Every frame it must have received so far, canonical. */
  readonly expected: string[];
}

let runtime: LocalRuntime;
let limits: Limits;
let counter: CommandCounter;
let peers: Peer[];
/** topic → subscribed connection ids: what the table must hold. */
const subscriptions = new Map<string, Set<string>>();
/** topic → connection id → place in the room's join order; topics whose order item exists. */
const places = new Map<string, Map<string, number>>();
const orderItems = new Set<string>();
let handler: ReturnType<typeof messageHandler>;
const pool = ['room', 'Room', 'é', '𝄞', '__proto__', 'constructor', 'team-a', 'team-b', 'x'.repeat(24), 'é'.repeat(12), 'a b', 't#x', 'c#y'];

beforeAll(async () => {
  Object.assign(process.env, environment);
  // The model sends every publish but announces to the whole room: directed signals have tests of their own (test/e2e/directed-signals.test.ts).
  runtime = await startTestRuntime({ signalDelivery: 'room' });
  limits = limitsFromEnvironment(process.env);
  expect(limits.maxTopicsPerConnection).toBe(10);
  counter = new CommandCounter(runtime.dependencies.dynamoDb);
  handler = messageHandler(runtime.dependencies);

  const specs: { name: string; rooms?: string[] }[] = [
    { name: 'observer' },
    { name: 'bystander' },
    { name: 'fuzz-1' },
    { name: 'fuzz-2' },
    { name: 'fuzz-scoped', rooms: ['room', 'é', 'team-*'] },
  ];
  peers = [];
  for (const spec of specs) {
    const { client, connectionId, connectedAt } = await connectWithId(runtime);
    // Each client's own barrier topic; its first echo also proves the subscription is stored.
    const echo = new EchoBarrier(client, `barrier-${spec.name}`);
    const { topic } = echo;
    echo.subscribe();
    await echo.pass();
    peers.push({
      name: spec.name,
      client,
      connectionId,
      connectedAt,
      echo,
      ...(spec.rooms ? { rooms: spec.rooms } : {}),
      expected: [],
    });
    client.received.length = 0;
    subscribersOf(topic).add(connectionId);
    place(topic, connectionId);
  }
  // The observer and the bystander share a room with whoever of the fuzzers joins it.
  for (const peer of peers.slice(0, 2)) {
    peer.client.send({ type: 'subscribe', topics: ['room'] });
    subscribersOf('room').add(peer.connectionId);
    place('room', peer.connectionId);
    await barrier(peer);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(peers?.map((peer) => peer.client.close()) ?? []);
  await runtime?.stop();
});

/**
 * Waits until the server has handled every frame `peer` sent on its socket so far (see
 * EchoBarrier). The echo is part of the model, as any delivery.
 */
async function barrier(peer: Peer): Promise<void> {
  const frame = peer.echo.nextFrame();
  apply(peer, frame, true);
  peer.client.send(frame);
  // Not a user's wait: a batch of fuzzed frames, each a handler with DynamoDB requests, queues ahead of the echo.
  await peer.client.receivedCount(peer.expected.length, 30_000);
}

function subscribersOf(topic: string): Set<string> {
  let set = subscriptions.get(topic);
  if (!set) subscriptions.set(topic, (set = new Set()));
  return set;
}

function placesIn(topic: string): Map<string, number> {
  let map = places.get(topic);
  if (!map) places.set(topic, (map = new Map()));
  return map;
}

/** The next place in the room (its counter never goes back), unless the connection has one. */
function place(topic: string, connectionId: string): void {
  const room = placesIn(topic);
  orderItems.add(topic);
  if (room.has(connectionId)) return;
  const next = (counters.get(topic) ?? 0) + 1;
  counters.set(topic, next);
  room.set(connectionId, next);
}
const counters = new Map<string, number>();

function topicsOf(connectionId: string): string[] {
  return [...subscriptions].filter(([, ids]) => ids.has(connectionId)).map(([topic]) => topic);
}

function allows(rooms: readonly string[] | undefined, topic: string): boolean {
  if (!rooms) return true;
  return rooms.some((room) => (room.endsWith('*') ? topic.startsWith(room.slice(0, -1)) : room === topic));
}

/** A publish as every subscriber must receive it: fields as sent, in order, `clients` set. */
function delivery(value: Record<string, unknown>, clients: number): string {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) Object.defineProperty(copy, key, { value: value[key], enumerable: true, writable: true, configurable: true });
  Object.defineProperty(copy, 'clients', { value: clients, enumerable: true, writable: true, configurable: true });
  return canonical(copy);
}

interface Expectation {
  /** The reasons any of which may refuse the frame; empty when it must be accepted. */
  readonly reasons: readonly string[];
  /** DynamoDB requests by command name. */
  readonly commands: Readonly<Record<string, number>>;
}

/**
 * What one frame from `peer` must do, applied to the model. `viaSocket`: the emulator routes
 * it, so a frame of type ping is answered by the mock route and never reaches the function.
 */
function apply(peer: Peer, frame: string, viaSocket: boolean): Expectation | 'mock' {
  const parsed = expectedParse(frame, limits);
  if (viaSocket && isPingRoute(frame)) {
    peer.expected.push(canonical({ type: 'pong' }));
    return 'mock';
  }
  if (!parsed.ok) return { reasons: [...parsed.reasons], commands: {} };
  switch (parsed.type) {
    case 'ping':
      peer.expected.push(canonical({ type: 'pong' }));
      return { reasons: [], commands: {} };
    case 'subscribe': {
      if (parsed.topics.some((topic) => !allows(peer.rooms, topic))) return { reasons: ['forbidden-topic'], commands: {} };
      if (parsed.topics.length === 0) return { reasons: [], commands: {} };
      const existing = topicsOf(peer.connectionId);
      if (new Set([...existing, ...parsed.topics]).size > limits.maxTopicsPerConnection) {
        return { reasons: ['too-many-subscriptions'], commands: { QueryCommand: 1 } };
      }
      const joined = parsed.topics.filter((topic) => !existing.includes(topic));
      for (const topic of parsed.topics) subscribersOf(topic).add(peer.connectionId);
      for (const topic of joined) place(topic, peer.connectionId);
      return { reasons: [], commands: { QueryCommand: 1, BatchWriteItemCommand: 1, ...(joined.length > 0 ? { UpdateItemCommand: joined.length } : {}) } };
    }
    case 'unsubscribe':
      for (const topic of parsed.topics) {
        subscribersOf(topic).delete(peer.connectionId);
        placesIn(topic).delete(peer.connectionId);
      }
      // The place goes first (one conditional UpdateItem per topic), then the subscriptions.
      return { reasons: [], commands: parsed.topics.length > 0 ? { UpdateItemCommand: parsed.topics.length, BatchWriteItemCommand: 1 } : {} };
    case 'publish': {
      if (!allows(peer.rooms, parsed.topic)) return { reasons: ['forbidden-topic'], commands: {} };
      const announce = isAnnounce({ ...parsed.value, type: 'publish', topic: parsed.topic });
      let commands: Record<string, number> = { QueryCommand: 1 };
      if (announce && !placesIn(parsed.topic).has(peer.connectionId)) {
        // Publish implies subscribe for an announce: the limit check, the subscription and its
        // place, the announce's own (conditional) place, and the room read again.
        if (new Set([...topicsOf(peer.connectionId), parsed.topic]).size > limits.maxTopicsPerConnection) {
          return { reasons: ['too-many-subscriptions'], commands: { QueryCommand: 2 } };
        }
        subscribersOf(parsed.topic).add(peer.connectionId);
        place(parsed.topic, peer.connectionId);
        commands = { QueryCommand: 3, BatchWriteItemCommand: 1, UpdateItemCommand: 2 };
      }
      const subscribers = subscribersOf(parsed.topic);
      const room = placesIn(parsed.topic);
      const own = room.get(peer.connectionId) ?? 0;
      const receives = (id: string) => !announce || id === peer.connectionId || (room.get(id) ?? Infinity) < own;
      const sent = delivery(parsed.value, subscribers.size);
      for (const receiver of peers) if (subscribers.has(receiver.connectionId) && receives(receiver.connectionId)) receiver.expected.push(sent);
      return { reasons: [], commands };
    }
  }
}

/** API Gateway's route selection on `$request.body.type`, written out again. */
function isPingRoute(frame: string): boolean {
  try {
    const value: unknown = JSON.parse(frame);
    return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['type'] === 'ping';
  } catch {
    return false;
  }
}

/** An event as the emulator builds it for a frame of `peer`, on the route `$default`. */
function messageEventOf(peer: Peer, frame: string, base64: boolean): WebSocketEvent {
  const rooms = peer.rooms ? scopeToContext(scopeFromClaim(peer.rooms)) : undefined;
  return messageEvent(
    { apiId: 'local', stage: 'local', domainName: `127.0.0.1:${runtime.gateway.port}` },
    {
      connectionId: peer.connectionId,
      connectedAt: peer.connectedAt,
      sourceIp: '127.0.0.1',
      ...(rooms !== undefined ? { authorizer: { principalId: peer.name, rooms } } : {}),
    },
    { body: base64 ? Buffer.from(frame, 'utf8').toString('base64') : frame, isBase64Encoded: base64, routeKey: '$default' },
  );
}

function sortedJson(record: Readonly<Record<string, number>>): string {
  return JSON.stringify(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}


/**
 * Waits until every client has received what the model says, then compares frame for frame.
 * Pongs are compared by number only: the mock route answers a ping at once, ahead of the
 * frames still queued for the function.
 */
async function checkDeliveries(): Promise<void> {
  const pong = canonical({ type: 'pong' });
  for (const peer of peers) {
    await peer.client.receivedCount(peer.expected.length, 10_000).catch(() => undefined);
    const received = peer.client.received.map(canonical);
    expect(received.filter((frame) => frame === pong).length, `pongs received by ${peer.name}`).toBe(peer.expected.filter((frame) => frame === pong).length);
    const actual = received.filter((frame) => frame !== pong);
    const expected = peer.expected.filter((frame) => frame !== pong);
    const first = expected.findIndex((frame, index) => actual[index] !== frame);
    const shorten = (frame: string | undefined) => (frame === undefined ? 'nothing' : frame.length > 300 ? `${frame.slice(0, 300)}…` : frame);
    expect(first === -1 ? actual.length : first, `${peer.name}: frame ${first} is ${shorten(actual[first])}, expected ${shorten(expected[first])}`).toBe(expected.length);
  }
}

/** The table holds the five connections, exactly the model's subscriptions, and its rooms' places. */
async function checkTable(): Promise<void> {
  const items = await allItems(runtime);
  const keys = items.map((item) => `${(item['pk'] as { S: string }).S} ${(item['sk'] as { S: string }).S}`).sort();
  const expected = [
    ...peers.map((peer) => `c#${peer.connectionId} connection`),
    ...[...subscriptions].flatMap(([topic, ids]) => [...ids].map((id) => `t#${topic} c#${id}`)),
    ...[...orderItems].map((topic) => `t#${topic} #order`),
  ].sort();
  expect(keys).toEqual(expected);
  const storedPlaces = items
    .filter((item) => (item['sk'] as { S: string }).S === '#order')
    .flatMap((item) =>
      Object.entries(item)
        .filter(([name]) => name.startsWith('p#'))
        .map(([name, value]) => `${(item['pk'] as { S: string }).S} ${name.slice(2)} ${(value as { N: string }).N}`),
    );
  const modelPlaces = [...places].flatMap(([topic, room]) => [...room].map(([id, at]) => `t#${topic} ${id} ${at}`));
  expect(storedPlaces.sort()).toEqual(modelPlaces.sort());
}

const frames = (socket: boolean) =>
  frameArbitrary({ limits, pool, validWeight: 1, bulk: 3 * limits.maxMessageBytes }).filter(({ frame }) => !socket || Buffer.byteLength(frame) < 100_000);

describe('the message handler under fuzzing', () => {
  it(`refuses every invalid frame without a DynamoDB request or an error, and keeps routing (${directFrames} frames, direct)`, async () => {
    const kinds = new Map<FrameKind, number>();
    const outcomes = new Map<string, number>();
    const fuzzers = peers.slice(2);
    const started = performance.now();
    let frameNumber = 0;

    await fc.assert(
      fc.asyncProperty(frames(false), fc.nat(fuzzers.length - 1), fc.nat(19), async ({ kind, frame }, who, dice) => {
        frameNumber++;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        const peer = fuzzers[who]!;
        const base64 = dice === 0;
        // What the function receives: a base64 body is decoded as UTF-8, lone surrogates and all.
        const seen = base64 ? Buffer.from(frame, 'utf8').toString('utf8') : frame;
        const expectation = apply(peer, seen, false) as Expectation;
        const metricMark = counted.mark();
        const dimensionMark = counted.dimensionMark();
        counter.reset();

        const result = await handler(messageEventOf(peer, frame, base64));

        // Checked by hand and handed to expect only when wrong: ten thousand frames add up.
        const reasons = counted.rejectionReasons(dimensionMark);
        const outcome = reasons[0] ?? 'accepted';
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        const commands = counter.snapshot();
        const shown = `${JSON.stringify(seen.slice(0, 300))} (frame ${frameNumber}, ${kind}, from ${peer.name}${base64 ? ', base64' : ''})`;
        if (result?.statusCode !== 200 || counted.sum('HandlerErrors', metricMark) > 0) {
          expect.fail(`the handler answered ${JSON.stringify(result)} and counted an error for ${shown}`);
        }
        const refusedRight = expectation.reasons.length === 0 ? reasons.length === 0 : reasons.length === 1 && expectation.reasons.includes(reasons[0]!);
        if (!refusedRight) expect.fail(`${shown}: refused as [${reasons.join(', ')}], expected [${expectation.reasons.join(', ') || 'accepted'}]`);
        if (sortedJson(commands) !== sortedJson(expectation.commands)) {
          expect.fail(`${shown}: DynamoDB requests ${JSON.stringify(commands)}, expected ${JSON.stringify(expectation.commands)}`);
        }

        if (frameNumber % 500 === 0) {
          // Valid traffic from a real client in between: the observer publishes to its room.
          const observer = peers[0]!;
          const message = { type: 'publish', topic: 'room', data: { type: 'announce', from: `observer-${frameNumber}` } };
          apply(observer, JSON.stringify(message), true);
          observer.client.send(message);
          await barrier(observer);
          await checkDeliveries();
        }
        if (frameNumber % 2_500 === 0) await checkTable();
      }),
      runs(directFrames),
    );
    await checkDeliveries();
    await checkTable();
    expect(counted.sum('HandlerErrors')).toBe(0);
    for (const outcome of ['accepted', 'not-json', 'too-deep', 'too-large', 'unknown-type', 'invalid-topics', 'forbidden-topic', 'too-many-subscriptions']) {
      expect(outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(10);
    }
    const deliveries = peers.reduce((sum, peer) => sum + peer.expected.length, 0);
    console.log(
      `message fuzz (direct): ${frameNumber} frames in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `kinds ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; outcomes ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}; ` +
        `${deliveries} frames delivered to the clients`,
    );
  }, 180_000);

  it(`routes frames sent on a real socket the same way, ping type to the mock route (${socketFrames} frames)`, async () => {
    const sender = peers[2]!;
    const generated = fc.sample(frames(true), { numRuns: socketFrames, ...(seed !== undefined ? { seed } : {}) });
    const expectedReasons: string[][] = [];
    const expectedCommands = new Map<string, number>();
    for (const { frame } of generated) {
      // The socket carries UTF-8: a lone surrogate arrives as U+FFFD.
      const expectation = apply(sender, Buffer.from(frame, 'utf8').toString('utf8'), true);
      if (expectation === 'mock') continue;
      if (expectation.reasons.length > 0) expectedReasons.push([...expectation.reasons]);
      for (const [name, n] of Object.entries(expectation.commands)) expectedCommands.set(name, (expectedCommands.get(name) ?? 0) + n);
    }
    const metricMark = counted.mark();
    const dimensionMark = counted.dimensionMark();
    counter.reset();

    for (const { frame } of generated) sender.client.send(frame);
    await barrier(sender);

    const reasons = counted.rejectionReasons(dimensionMark);
    expect(reasons).toHaveLength(expectedReasons.length);
    reasons.forEach((reason, index) => expect(expectedReasons[index], `frame refused as ${reason}`).toContain(reason));
    expect(counted.sum('HandlerErrors', metricMark)).toBe(0);
    expect(sender.client.closed).toBe(false);
    await checkDeliveries();
    // The barrier is one publish more: one Query.
    expectedCommands.set('QueryCommand', (expectedCommands.get('QueryCommand') ?? 0) + 1);
    expect(counter.snapshot()).toEqual(Object.fromEntries(expectedCommands));
    await checkTable();
    console.log(`message fuzz (socket): ${generated.length} frames, ${reasons.length} refused`);
  }, 120_000);
});
