import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayTimingMode } from '../../src/local/gateway-timing.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import type { FunctionsMode } from '../../src/local/local-settings.js';
import { connectWithId, startTestRuntime } from './runtime.js';
import { TestClient } from './test-client.js';

type Received = { type?: string; topic?: string; data?: unknown; clients?: number; n?: number };

/**
 * The protocol through the local runtime, waiting only on what a client can see (its own
 * announce coming back, the `clients` count of its own publish), never on the order in which
 * the gateway hands a connection's frames over: the same tests hold in AWS timing.
 */
export function protocolSuite(gatewayTiming: GatewayTimingMode, functions: FunctionsMode = 'sources'): void {
  let runtime: LocalRuntime;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({ settings: { gatewayTiming, functions } });
  });
  afterAll(() => runtime?.stop());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  async function connect(): Promise<TestClient> {
    const client = await TestClient.connect(runtime.url);
    clients.push(client);
    return client;
  }

  /** What y-webrtc does when it opens a room: subscribe and announce; in the room once its announce comes back. */
  async function join(client: TestClient, topic: string, peerId: string): Promise<void> {
    client.send({ type: 'subscribe', topics: [topic] });
    client.send({ type: 'publish', topic, data: { type: 'announce', from: peerId } });
    await until(client, (message) => message.topic === topic && (message.data as { from?: string })?.from === peerId);
  }

  // Every wait here is for a message round trip: a few seconds, as a y-webrtc user waits.
  async function until(client: TestClient, match: (message: Received) => boolean, timeoutMs = 5_000): Promise<Received> {
    for (let count = 1; ; count++) {
      await client.receivedCount(count, timeoutMs);
      const found = (client.received as Received[]).find(match);
      if (found) return found;
    }
  }

  /** Publishes `n` on the topic until its own copy comes back with `clients` as wanted; returns that `n`. */
  async function publishUntilClients(client: TestClient, topic: string, clientsWanted: number): Promise<number> {
    for (let n = 1; n < 200; n++) {
      client.send({ type: 'publish', topic, n });
      const echo = await until(client, (message) => message.topic === topic && message.n === n);
      if (echo.clients === clientsWanted) return n;
    }
    throw new Error(`the room never had ${clientsWanted} subscribers`);
  }

  const aMoment = () => new Promise((resolve) => setTimeout(resolve, 150));

  /** Settles once the clock reads a later millisecond than `stamp`. */
  async function clockPast(stamp: number): Promise<void> {
    while (Date.now() <= stamp) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  describe(`y-webrtc signaling protocol through the local runtime (GATEWAY_TIMING=${gatewayTiming}, LOCAL_FUNCTIONS=${functions})`, () => {
    it('answers ping with pong', async () => {
      const client = await connect();
      client.send({ type: 'ping' });
      expect(await client.next()).toEqual({ type: 'pong' });
    });

    it('sends a publish that is not an announce to every subscriber, the sender included, with the subscriber count', async () => {
      const [alice, bob, carol] = await Promise.all([connect(), connect(), connect()]);
      await join(alice, 'Room One', 'a');
      await join(bob, 'Room One', 'b');
      await join(carol, 'room one', 'c');

      const note = { type: 'publish', topic: 'Room One', data: { type: 'note', from: 'a', token: 1 } };
      alice.send(note);
      const isNote = (message: Received) => (message.data as { type?: string })?.type === 'note';
      expect(await until(alice, isNote)).toEqual({ ...note, clients: 2 });
      expect(await until(bob, isNote)).toEqual({ ...note, clients: 2 });
      await aMoment();
      expect((carol.received as Received[]).filter(isNote)).toEqual([]);
    });

    it('sends a signal to the peer it is addressed to only, with the subscriber count', async () => {
      const [alice, bob, dave] = await Promise.all([connect(), connect(), connect()]);
      await join(alice, 'signals', 'a');
      await join(bob, 'signals', 'b');
      await join(dave, 'signals', 'd');

      const offer = { type: 'publish', topic: 'signals', data: { type: 'signal', from: 'a', to: 'b', token: 1, signal: { type: 'offer' } } };
      alice.send(offer);
      const isOffer = (message: Received) => (message.data as { type?: string })?.type === 'signal';
      expect(await until(bob, isOffer)).toEqual({ ...offer, clients: 3 });
      await aMoment();
      expect([...alice.received, ...dave.received].filter((message) => isOffer(message as Received))).toEqual([]);
    });

    it('sends an announce to those who joined the room before its sender, and to the sender', async () => {
      const [first, second] = await Promise.all([connect(), connect()]);
      await join(first, 'order', 'first');
      await join(second, 'order', 'second');
      const announces = (client: TestClient) =>
        (client.received as Received[]).map((message) => (message.data as { from?: string }).from);
      await until(first, (message) => (message.data as { from?: string }).from === 'second');
      expect(announces(first)).toEqual(['first', 'second']);
      // Joined before the second, the first peer's announces never reach it: it is the one the second announced to.
      first.send({ type: 'publish', topic: 'order', data: { type: 'announce', from: 'first' } });
      await until(first, (message) => announces(first).length === 3 && message.clients === 2);
      await aMoment();
      expect(announces(second)).toEqual(['second']);
    });

    it('lets a client that is not subscribed publish', async () => {
      const [subscriber, outsider] = await Promise.all([connect(), connect()]);
      await join(subscriber, 'open', 's');
      outsider.send({ type: 'publish', topic: 'open', data: 'hello' });
      expect(await until(subscriber, (message) => message.data === 'hello')).toEqual({ type: 'publish', topic: 'open', data: 'hello', clients: 1 });
      await aMoment();
      expect(outsider.received).toEqual([]);
    });

    it('passes unknown fields through unchanged, in order', async () => {
      const client = await connect();
      await join(client, 'extras', 'x');
      const frame = '{"type":"publish","topic":"extras","zeta":[1,{"a":null}],"data":{"to":"x","from":"y","token":0.5},"__proto__":{"x":1}}';
      const raw = new Promise<string>((resolve) => client.socket.once('message', (data) => resolve(data.toString())));
      client.send(frame);
      expect(await raw).toBe(frame.slice(0, -1) + ',"clients":1}');
    });

    it('stops delivering after unsubscribe and resumes after re-subscribe', async () => {
      const [listener, speaker] = await Promise.all([connect(), connect()]);
      await Promise.all([join(listener, 'a', 'l'), join(speaker, 'a', 's')]);
      expect(await publishUntilClients(speaker, 'a', 2)).toBe(1);

      // Left at once, its subscribe and announce perhaps still in flight: leaving means left.
      listener.send({ type: 'unsubscribe', topics: ['a'] });
      const afterLeaving = await publishUntilClients(speaker, 'a', 1);
      await aMoment();
      expect((listener.received as Received[]).some((message) => message.n === afterLeaving)).toBe(false);

      listener.send({ type: 'subscribe', topics: ['a'] });
      listener.send({ type: 'subscribe', topics: ['a'] });
      const afterReturning = await publishUntilClients(speaker, 'a', 2);
      expect(await until(listener, (message) => message.n === afterReturning)).toEqual({ type: 'publish', topic: 'a', n: afterReturning, clients: 2 });
    });

    /** Holds the next frame of `connectionId` on `route` back from the message function (see `GatewayEmulator.holdNext`). */
    const holdNext = (connectionId: string, route: string) =>
      runtime.gateway.holdNext(({ requestContext }) => requestContext.connectionId === connectionId && requestContext.routeKey === route);

    it("ends the subscription when an unsubscribe overtakes its own connection's subscribe (the subscribe runs last)", async () => {
      const [{ client: listener, connectionId: listenerId }, speaker] = await Promise.all([connectWithId(runtime), connect()]);
      clients.push(listener);
      await Promise.all([join(listener, 'late', 'l'), join(speaker, 'late', 's')]);
      expect(await publishUntilClients(speaker, 'late', 2)).toBe(1);

      // y-webrtc re-sends subscribe often; here one is still in flight when the client leaves,
      // and runs only once the unsubscribe has been handled.
      const subscribe = holdNext(listenerId, 'subscribe');
      const unsubscribe = holdNext(listenerId, 'unsubscribe');
      listener.send({ type: 'subscribe', topics: ['late'] });
      // The unsubscribe leaves only once the gateway has stamped the subscribe and its clock has
      // moved on: in the same millisecond the subscribe would win (docs/architecture.md,
      // "Membership order": ties, tested in test/store/dynamo-subscription-store.test.ts). A
      // fixed pause between the two sends is not enough on a busy machine, where the gateway can
      // read both frames in one millisecond.
      await subscribe.arrived;
      await clockPast(Date.now());
      listener.send({ type: 'unsubscribe', topics: ['late'] });
      await unsubscribe.arrived;
      unsubscribe.release();
      await unsubscribe.handled;
      subscribe.release();
      await subscribe.handled;

      speaker.send({ type: 'publish', topic: 'late', n: 1000 });
      expect(await until(speaker, (message) => message.n === 1000)).toMatchObject({ clients: 1 });
      await aMoment();
      expect((listener.received as Received[]).some((message) => message.n === 1000)).toBe(false);
    });

    it("keeps a peer id recorded by an announce that overtook its connection's subscribe, when that subscribe lands later", async () => {
      const [{ client: newcomer, connectionId: newcomerId }, speaker, bystander] = await Promise.all([connectWithId(runtime), connect(), connect()]);
      clients.push(newcomer);
      await join(speaker, 'kept', 's');
      await join(bystander, 'kept', 'b');

      const subscribe = holdNext(newcomerId, 'subscribe');
      newcomer.send({ type: 'subscribe', topics: ['kept'] });
      newcomer.send({ type: 'publish', topic: 'kept', data: { type: 'announce', from: 'n' } });
      await subscribe.arrived;
      // Its announce subscribed it, recorded its peer id and came back to it; then the subscribe lands.
      await until(newcomer, (message) => message.topic === 'kept' && (message.data as { from?: string })?.from === 'n');
      subscribe.release();
      await subscribe.handled;

      const offer = { type: 'publish', topic: 'kept', data: { type: 'signal', from: 's', to: 'n', token: 1, signal: { type: 'offer' } } };
      speaker.send(offer);
      const isOffer = (message: Received) => (message.data as { type?: string })?.type === 'signal';
      expect(await until(newcomer, isOffer)).toEqual({ ...offer, clients: 3 });
      await aMoment();
      expect([...speaker.received, ...bystander.received].filter((message) => isOffer(message as Received))).toEqual([]);
    });

    it('answers a plain HTTP GET with a status text', async () => {
      const response = await fetch(runtime.url.replace('ws://', 'http://'));
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/y-webrtc signaling/);
    });
  });
}
