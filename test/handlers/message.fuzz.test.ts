import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeFromClaim, scopeToContext } from '../../src/signaling/room-scope.js';
import { limitsFromEnvironment, type Limits } from '../../src/config/limits.js';
import type { SignalDelivery } from '../../src/config/signal-delivery.js';
import { messageEvent } from '../../src/gateway/event-builders.js';
import type { WebSocketEvent } from '../../src/gateway/websocket-event.js';
import { messageHandler } from '../../src/handlers/message.js';
import { isAnnounce } from '../../src/protocol/announce.js';
import type { PublishMessage } from '../../src/protocol/messages.js';
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
 * through a client's socket and the emulator's routing. A model of the subscriptions (and the
 * markers of left rooms), of each room's join order (JOIN_ORDER=room, the default) and of the
 * recorded peer ids says what each frame must do: which reason refuses it, which DynamoDB
 * requests it makes, and what every client receives. It runs with directed signals off
 * (SIGNAL_DELIVERY=room) and on (`peer`, the default). Frames here are handled one at a
 * time, in the order they arrive; test/handlers/message-order.fuzz.test.ts reorders them.
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
/** Per signal delivery mode: twice in all. */
const directFrames = 2_500;
const socketFrames = 500;

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


/** A membership of a connection in a room, as the model keeps it. */
/** A membership of a connection in a room, as the model keeps it: the subscription item's attributes (src/store/subscription-item.ts). */
interface Membership {
  /** Defined while the connection is in the room; undefined: a marker of a left room. */
  joinedAt?: number;
  changedAt: number;
  leftAt?: number;
  peerId?: string;
  peerIdAt?: number;
}

/** A place in a room's join order, and the membership it was given to. */
interface ModelPlace {
  readonly place: number;
  readonly joinedAt: number;
}

function fuzzSuite(signalDelivery: SignalDelivery): void {
  let runtime: LocalRuntime;
  let limits: Limits;
  let counter: CommandCounter;
  let peers: Peer[];
  /** `topic connection` → the membership: what the table must hold, markers of left rooms included. */
  const memberships = new Map<string, Membership>();
  /** topic → connection id → place; topics whose order item exists. */
  const places = new Map<string, Map<string, ModelPlace>>();
  const counters = new Map<string, number>();
  const orderItems = new Set<string>();
  let handler: ReturnType<typeof messageHandler>;
  /** The gateway's stamps of the direct frames: one millisecond apart at least, as frames that arrive one by one. */
  let lastStamp = 0;
  const stamp = () => (lastStamp = Math.max(Date.now(), lastStamp + 1));
  const pool = ['room', 'Room', 'é', '𝄞', '__proto__', 'constructor', 'team-a', 'team-b', 'x'.repeat(24), 'é'.repeat(12), 'a b', 't#x', 'c#y'];

  beforeAll(async () => {
    limits = limitsFromEnvironment(environment);
    expect(limits.maxTopicsPerConnection).toBe(10);
    runtime = await startTestRuntime({ settings: { signalDelivery, limits } });
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
      const peer: Peer = { name: spec.name, client, connectionId, connectedAt, echo, ...(spec.rooms ? { rooms: spec.rooms } : {}), expected: [] };
      // On the socket, which has no authorizer: its own rooms' limits do not apply.
      subscribeTo(echo.topic, connectionId, Date.now());
      echo.subscribe();
      await echo.pass();
      client.received.length = 0;
      peers.push(peer);
    }
    // The observer and the bystander share a room with whoever of the fuzzers joins it.
    for (const peer of peers.slice(0, 2)) {
      const frame = JSON.stringify({ type: 'subscribe', topics: ['room'] });
      apply(peer, frame, true, Date.now());
      peer.client.send(frame);
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
    apply(peer, frame, true, Date.now());
    peer.client.send(frame);
    // Not a user's wait: a batch of fuzzed frames, each a handler with DynamoDB requests, queues ahead of the echo.
    await peer.client.receivedCount(peer.expected.length, 30_000);
  }

  const key = (topic: string, connectionId: string) => `${topic} ${connectionId}`;
  const membershipOf = (topic: string, connectionId: string) => memberships.get(key(topic, connectionId));
  const isSubscribed = (topic: string, connectionId: string) => membershipOf(topic, connectionId)?.joinedAt !== undefined;

  function subscribersOf(topic: string): string[] {
    return peers.filter((peer) => isSubscribed(topic, peer.connectionId)).map((peer) => peer.connectionId);
  }

  function topicsOf(connectionId: string): string[] {
    return [...memberships].filter(([name, membership]) => membership.joinedAt !== undefined && name.endsWith(` ${connectionId}`)).map(([name]) => name.slice(0, -connectionId.length - 1));
  }

  function placesIn(topic: string): Map<string, ModelPlace> {
    let map = places.get(topic);
    if (!map) places.set(topic, (map = new Map()));
    return map;
  }

  /** The connection's place, if it belongs to its current membership (src/signaling/join-order.ts). */
  function placeOf(topic: string, connectionId: string): number | undefined {
    const place = placesIn(topic).get(connectionId);
    const membership = membershipOf(topic, connectionId);
    return place && membership?.joinedAt !== undefined && place.joinedAt >= membership.joinedAt ? place.place : undefined;
  }

  /** The next place in the room (its counter never goes back), for the membership that joined at `joinedAt`. */
  function place(topic: string, connectionId: string, joinedAt: number): void {
    orderItems.add(topic);
    if ((placesIn(topic).get(connectionId)?.joinedAt ?? -1) >= joinedAt) return;
    const next = (counters.get(topic) ?? 0) + 1;
    counters.set(topic, next);
    placesIn(topic).set(connectionId, { place: next, joinedAt });
  }

  /**
   * A subscribe of one room at `at`, as DynamoSubscriptionStore applies it (a subscribe wins a
   * tie with a leave): whether it joined the room. Frames here are handled one at a time, so
   * a subscribe is never older than the membership it finds.
   */
  function subscribeTo(topic: string, connectionId: string, at: number): boolean {
    const membership = membershipOf(topic, connectionId);
    if (membership && (membership.changedAt > at || (membership.changedAt === at && membership.joinedAt !== undefined))) return false;
    const joined = membership?.joinedAt === undefined;
    memberships.set(key(topic, connectionId), { ...membership, changedAt: at, joinedAt: membership?.joinedAt ?? at });
    if (joined) place(topic, connectionId, at);
    return joined;
  }

  /**
   * A leave of one room at `at`: the DynamoDB requests it makes. Over an older change, a
   * marker; over a subscribe in the same millisecond (which wins the tie), the membership
   * stays, split in two if it began earlier (a new one, with a new place), else with the leave
   * written down.
   */
  function unsubscribeFrom(topic: string, connectionId: string, at: number): number {
    const membership = membershipOf(topic, connectionId);
    if (!membership || membership.changedAt < at) {
      memberships.set(key(topic, connectionId), { changedAt: at, leftAt: at });
      return 1;
    }
    if (membership.joinedAt === undefined) return 1;
    const split = membership.joinedAt < at;
    if (!split && membership.leftAt !== undefined && membership.leftAt >= at) return 1;
    membership.leftAt = at;
    if (!split) return 2;
    membership.joinedAt = at;
    if (membership.peerIdAt !== undefined && membership.peerIdAt < at) {
      delete membership.peerId;
      delete membership.peerIdAt;
    }
    place(topic, connectionId, at);
    return 3;
  }

  /**
   * What one frame from `peer` must do, applied to the model. `viaSocket`: the emulator routes
   * it, so a frame of type ping is answered by the mock route and never reaches the function.
   */
  function apply(peer: Peer, frame: string, viaSocket: boolean, at: number): Expectation | 'mock' {
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
        if (new Set([...topicsOf(peer.connectionId), ...parsed.topics]).size > limits.maxTopicsPerConnection) {
          return { reasons: ['too-many-subscriptions'], commands: { Query: 1 } };
        }
        // The limit (gsi1), one conditional update per room of the frame (a room repeated in it: once more, changing nothing), one place per room joined.
        const joined = parsed.topics.filter((topic) => subscribeTo(topic, peer.connectionId, at));
        return { reasons: [], commands: { Query: 1, UpdateItem: parsed.topics.length + joined.length } };
      }
      case 'unsubscribe': {
        // A marker per room, whether the connection was in it or not; the place stays for the next publish to forget.
        const updates = parsed.topics.reduce((sum, topic) => sum + unsubscribeFrom(topic, peer.connectionId, at), 0);
        return { reasons: [], commands: updates > 0 ? { UpdateItem: updates } : {} };
      }
      case 'publish': {
        const { topic } = parsed;
        if (!allows(peer.rooms, topic)) return { reasons: ['forbidden-topic'], commands: {} };
        const message = { ...parsed.value, type: 'publish', topic } as PublishMessage;
        const announce = isAnnounce(message);
        const commands: Record<string, number> = { Query: 1 };
        const add = (command: string, n = 1) => (commands[command] = (commands[command] ?? 0) + n);
        const before = membershipOf(topic, peer.connectionId);
        if (announce && before?.joinedAt === undefined) {
          // Publish implies subscribe for an announce: the limit check, the subscription and its
          // place, and the room read again.
          if (new Set([...topicsOf(peer.connectionId), topic]).size > limits.maxTopicsPerConnection) {
            return { reasons: ['too-many-subscriptions'], commands: { Query: 2 } };
          }
          subscribeTo(topic, peer.connectionId, at);
          add('Query', 2);
          add('UpdateItem', 2);
        } else if (announce && before && before.changedAt < at) {
          // In the room already: the subscribe it implies is written (no limit to check, nothing to read again).
          subscribeTo(topic, peer.connectionId, at);
          add('UpdateItem');
        }
        const membership = membershipOf(topic, peer.connectionId);
        const signer = stringField(parsed.value['data'], 'from');
        if (signalDelivery === 'peer' && signer !== undefined && membership?.joinedAt !== undefined && membership.joinedAt <= at && membership.peerId !== signer) {
          membership.peerId = signer;
          membership.peerIdAt = at;
          add('UpdateItem');
        }
        const subscribers = subscribersOf(topic);
        const own = placeOf(topic, peer.connectionId);
        let receivers = subscribers.filter((id) => {
          if (!announce) return true;
          if (own === undefined) return false;
          return id === peer.connectionId || (placeOf(topic, id) ?? Infinity) < own;
        });
        const to = signalDelivery === 'peer' && !announce ? stringField(parsed.value['data'], 'to') : undefined;
        if (to !== undefined) {
          const holders = receivers.filter((id) => membershipOf(topic, id)?.peerId === to);
          if (holders.length > 0) receivers = holders;
        }
        const sent = delivery(parsed.value, subscribers.length);
        for (const receiver of peers) if (receivers.includes(receiver.connectionId)) receiver.expected.push(sent);
        // After an announce's fan-out, places whose membership has ended are forgotten, in one update.
        const leftovers = announce ? [...placesIn(topic).keys()].filter((id) => placeOf(topic, id) === undefined) : [];
        if (leftovers.length > 0) {
          for (const id of leftovers) placesIn(topic).delete(id);
          add('UpdateItem');
        }
        return { reasons: [], commands };
      }
    }
  }

  /** An event as the emulator builds it for a frame of `peer`, on the route `$default`. */
  function messageEventOf(peer: Peer, frame: string, base64: boolean, at: number): WebSocketEvent {
    const rooms = peer.rooms ? scopeToContext(scopeFromClaim(peer.rooms)) : undefined;
    return messageEvent(
      { apiId: 'local', stage: 'local', domainName: `127.0.0.1:${runtime.gateway.port}` },
      {
        connectionId: peer.connectionId,
        connectedAt: peer.connectedAt,
        sourceIp: '127.0.0.1',
        ...(rooms !== undefined ? { authorizer: { principalId: peer.name, rooms } } : {}),
      },
      { body: base64 ? Buffer.from(frame, 'utf8').toString('base64') : frame, isBase64Encoded: base64, routeKey: '$default', requestTimeEpoch: at },
    );
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

  /** The table holds the five connections, exactly the model's memberships (markers too) with their peer ids, and its rooms' places. */
  async function checkTable(): Promise<void> {
    const items = await allItems(runtime);
    const text = (item: Record<string, unknown>, name: string) => (item[name] as { S?: string } | undefined)?.S;
    const number = (item: Record<string, unknown>, name: string) => (item[name] as { N?: string } | undefined)?.N;
    const keys = items.map((item) => `${text(item, 'pk')} ${text(item, 'sk')}`).sort();
    const expected = [
      ...peers.map((peer) => `c#${peer.connectionId} connection`),
      ...[...memberships.keys()].map((name) => {
        const [topic, id] = [name.slice(0, name.lastIndexOf(' ')), name.slice(name.lastIndexOf(' ') + 1)];
        return `t#${topic} c#${id}`;
      }),
      ...[...orderItems].map((topic) => `t#${topic} #order`),
    ].sort();
    expect(keys).toEqual(expected);
    const stored = items
      .filter((item) => text(item, '__edb_e__') === 'subscription')
      .map((item) => `${text(item, 'topic')} ${text(item, 'connectionId')} ${item['joinedAt'] !== undefined ? 'in' : 'left'} ${text(item, 'peerId') ?? '-'}`);
    const modelled = [...memberships].map(([name, membership]) => `${name} ${membership.joinedAt !== undefined ? 'in' : 'left'} ${membership.peerId ?? '-'}`);
    expect(stored.sort()).toEqual(modelled.sort());
    // A place counts for the membership it was given to: the one that joined when the place says.
    const joinedAt = new Map(items.filter((item) => item['joinedAt'] !== undefined).map((item) => [`${text(item, 'pk')} ${text(item, 'sk')}`, number(item, 'joinedAt')]));
    const storedPlaces = items
      .filter((item) => text(item, 'sk') === '#order')
      .flatMap((item) =>
        Object.keys(item)
          .filter((name) => name.startsWith('p#'))
          .map((name) => {
            const id = name.slice(2);
            const valid = joinedAt.get(`${text(item, 'pk')} c#${id}`) === number(item, `j#${id}`);
            return `${text(item, 'pk')} ${id} ${number(item, name)} ${valid ? 'valid' : 'ended'}`;
          }),
      );
    const modelPlaces = [...places].flatMap(([topic, room]) => [...room].map(([id, { place }]) => `t#${topic} ${id} ${place} ${placeOf(topic, id) !== undefined ? 'valid' : 'ended'}`));
    expect(storedPlaces.sort()).toEqual(modelPlaces.sort());
  }

  describe(`the message handler under fuzzing (SIGNAL_DELIVERY=${signalDelivery})`, () => {
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
          const at = stamp();
          // What the function receives: a base64 body is decoded as UTF-8, lone surrogates and all.
          const seen = base64 ? Buffer.from(frame, 'utf8').toString('utf8') : frame;
          const expectation = apply(peer, seen, false, at) as Expectation;
          const metricMark = counted.mark();
          const dimensionMark = counted.dimensionMark();
          counter.reset();

          const result = await handler(messageEventOf(peer, frame, base64, at));

          // Checked by hand and handed to expect only when wrong: thousands of frames add up.
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
            apply(observer, JSON.stringify(message), true, Date.now());
            observer.client.send(message);
            await barrier(observer);
            await checkDeliveries();
          }
          if (frameNumber % 2_000 === 0) await checkTable();
        }),
        runs(directFrames),
      );
      await checkDeliveries();
      await checkTable();
      expect(counted.sum('HandlerErrors')).toBe(0);
      for (const outcome of ['accepted', 'not-json', 'too-deep', 'too-large', 'unknown-type', 'invalid-topics', 'forbidden-topic', 'too-many-subscriptions']) {
        expect(outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(5);
      }
      const deliveries = peers.reduce((sum, peer) => sum + peer.expected.length, 0);
      const recorded = [...memberships.values()].filter((membership) => membership.peerId !== undefined).length;
      console.log(
        `message fuzz (direct, SIGNAL_DELIVERY=${signalDelivery}): ${frameNumber} frames in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
          `kinds ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; outcomes ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}; ` +
          `${deliveries} frames delivered to the clients; ${memberships.size} memberships in the table (${recorded} with a peer id)`,
      );
    }, 180_000);

    it(`routes frames sent on a real socket the same way, ping type to the mock route (${socketFrames} frames)`, async () => {
      const sender = peers[2]!;
      const generated = fc.sample(frames(true), { numRuns: socketFrames, ...(seed !== undefined ? { seed } : {}) });
      // The gateway stamps these frames itself, many in one millisecond: the model takes its
      // stamps. They follow the direct frames' (stamped by this test, a little ahead of the clock at times).
      while (Date.now() <= lastStamp) await new Promise((resolve) => setTimeout(resolve, 1));
      const stamps: number[] = [];
      const stopObserving = runtime.gateway.observeFrames(({ requestContext }) => {
        if (requestContext.connectionId === sender.connectionId) stamps.push(requestContext.requestTimeEpoch);
      });
      const metricMark = counted.mark();
      const dimensionMark = counted.dimensionMark();
      counter.reset();

      for (const { frame } of generated) sender.client.send(frame);
      const routed = generated.filter(({ frame }) => !isPingRoute(Buffer.from(frame, 'utf8').toString('utf8'))).length;
      // Every frame has reached the gateway (its echo comes after them); then the model, in their order and with their stamps.
      try {
        await eventuallyTrue(() => stamps.length >= routed, 30_000);
      } finally {
        stopObserving();
      }
      const expectedReasons: string[][] = [];
      const expectedCommands = new Map<string, number>();
      let routedIndex = 0;
      for (const { frame } of generated) {
        // The socket carries UTF-8: a lone surrogate arrives as U+FFFD.
        const received = Buffer.from(frame, 'utf8').toString('utf8');
        const expectation = apply(sender, received, true, isPingRoute(received) ? 0 : stamps[routedIndex++]!);
        if (expectation === 'mock') continue;
        if (expectation.reasons.length > 0) expectedReasons.push([...expectation.reasons]);
        for (const [name, n] of Object.entries(expectation.commands)) expectedCommands.set(name, (expectedCommands.get(name) ?? 0) + n);
      }
      await barrier(sender);

      const reasons = counted.rejectionReasons(dimensionMark);
      expect(reasons).toHaveLength(expectedReasons.length);
      reasons.forEach((reason, index) => expect(expectedReasons[index], `frame refused as ${reason}`).toContain(reason));
      expect(counted.sum('HandlerErrors', metricMark)).toBe(0);
      expect(sender.client.closed).toBe(false);
      await checkDeliveries();
      // The barrier is one publish more: one Query.
      expectedCommands.set('Query', (expectedCommands.get('Query') ?? 0) + 1);
      expect(counter.snapshot()).toEqual(Object.fromEntries(expectedCommands));
      await checkTable();
      const shared = stamps.length - new Set(stamps).size;
      console.log(`message fuzz (socket, SIGNAL_DELIVERY=${signalDelivery}): ${generated.length} frames, ${reasons.length} refused, ${shared} stamped in a millisecond another frame had`);
    }, 120_000);
  });

  function frames(socket: boolean) {
    return frameArbitrary({ limits, pool, validWeight: 1, bulk: 3 * limits.maxMessageBytes }).filter(({ frame }) => !socket || Buffer.byteLength(frame) < 100_000);
  }
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

/** API Gateway's route selection on `$request.body.type`, written out again. */
function isPingRoute(frame: string): boolean {
  try {
    const value: unknown = JSON.parse(frame);
    return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['type'] === 'ping';
  } catch {
    return false;
  }
}

function sortedJson(record: Readonly<Record<string, number>>): string {
  return JSON.stringify(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}


async function eventuallyTrue(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function stringField(data: unknown, field: string): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

fuzzSuite('room');
fuzzSuite('peer');
