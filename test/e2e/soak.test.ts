import { randomUUID } from 'node:crypto';
import type { MetricName } from '../../src/config/metrics.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defaultLimits } from '../../src/config/limits.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { CountedMetrics } from '../support/metrics.js';
import { allItems, connectionItems, startTestRuntime } from '../support/runtime.js';

/**
 * A soak on the local runtime: 500 clients churn for a bounded time, each one session after
 * another (connect, subscribe to a room, announce, signal, say goodbye, leave), some vanishing
 * without a `$disconnect`. Well-behaved clients must see no error at all and get every publish
 * of their room that was sent while they were in it; once everybody is gone, the stream cleanup,
 * the 410 path and TTL must leave the table empty.
 */

const clientCount = 500;
/** Every client starts its first session within this time, and no session starts after it. */
const churnMs = 30_000;
/** Share of clients that come back for another session. */
const returnShare = 0.2;
/** Share of the sessions of the first 15 s that end without a `$disconnect` (AWS delivers it best effort). */
const vanishShare = 0.25;
const rooms = 20;
/**
 * Connections last at most this long (a session takes a few seconds: a close by the server is
 * an error) and their items expire a second later, so the TTL path runs within the test.
 */
const maxConnectionSeconds = 20;
// y-webrtc gives up on a signaling connection that stays silent for 30 s: later than that a client would notice.
const echoTimeoutMs = 30_000;

/** How long a session stays after its goodbye came back. */
const minLingerMs = 1_000;
const maxLingerMs = 3_000;
/**
 * Floors as shares of the possible deliveries (see the test), so that they keep their
 * strength whatever the machine's pace. On this 2-core machine at a load average of 6 (other
 * test runs beside it), two runs had 99.6 and 99.8 % of them arrive, 50 and 53 % checked: a
 * miss is rare because a receiver stays on at its own pace. 95 % leaves room for a busier
 * machine, yet a loss of 5 % of the deliveries fails it. The checked share is bounded by the
 * goodbyes (nothing follows them to show they were posted); at 30 % well over a hundred of
 * the possible deliveries are each required to arrive.
 */
const minDeliveredShare = 0.95;
const minCheckedShare = 0.3;

let runtime: LocalRuntime;
let database: RunningDynamoDbLocal;
const counted = CountedMetrics.start();

beforeAll(async () => {
  // A DynamoDB Local of its own, as for lifecycle-ttl: the vanished connections leave by TTL,
  // whose sweep visits every table of the instance, and the run's shared one holds many. A
  // clean-clone CI run saw one connection still there 60 s after the churn on the shared one.
  database = await startDynamoDbLocal();
  runtime = await startTestRuntime({
    deliverDisconnect: (connection) => !('vanish' in connection.queryStringParameters),
    settings: { dynamodbEndpoint: database.endpoint, limits: { ...defaultLimits, maxConnectionSeconds: maxConnectionSeconds, expiryGraceSeconds: 1 } },
  });
});
afterAll(async () => {
  await runtime?.stop();
  await database?.stop();
});

const metricSum = (name: MetricName) => counted.sum(name);

interface Published {
  readonly id: string;
  readonly room: string;
  readonly session: Session;
  readonly sentAt: number;
  /** When the publisher's next publish came back: every send of this one had been posted by then. */
  completedAt?: number;
}

interface Session {
  readonly room: string;
  readonly vanishes: boolean;
  /** When its own announce came back: its subscription was stored. */
  joinedAt?: number;
  /** When it sent its goodbye, its last publish. */
  quietAt?: number;
  /** When it started to leave. */
  leftAt?: number;
  /** Its slowest publish, from the send to its own copy: the server's pace as it saw it. */
  slowestEchoMs: number;
  readonly received: Set<string>;
}

const published: Published[] = [];
const sessions: Session[] = [];
const errors: string[] = [];
let connectionsMade = 0;
let vanishUntil = 0;
let messagesSent = 0;
let framesReceived = 0;
let maxItems = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

/** One session of one client; resolves when it has left. Every surprise is recorded in `errors`. */
async function runSession(client: number): Promise<void> {
  // Sessions vanish only early enough for TTL to reap them soon after the churn.
  const vanishes = Date.now() < vanishUntil && Math.random() < vanishShare;
  // Half of the vanishing sessions are alone in a room: nobody publishes there, so no 410 finds
  // them and only TTL can reap them.
  const room = vanishes && Math.random() < 0.5 ? `soak-alone-${client}-${sessions.length}` : `soak-${Math.floor(Math.random() * rooms)}`;
  const session: Session = { room, vanishes, received: new Set(), slowestEchoMs: 0 };
  sessions.push(session);
  const peer = randomUUID();
  const socket = new WebSocket(`${runtime.url}/${session.vanishes ? '?vanish' : ''}`);
  const waiting = new Map<string, () => void>();
  let leaving = false;
  let previous: Published | undefined;
  const fail = (what: string) => errors.push(`client ${client} in ${room}${session.vanishes ? ' (vanishing)' : ''}: ${what}`);

  socket.on('message', (data) => {
    framesReceived++;
    let frame: { type?: string; topic?: string; data?: { id?: string; from?: string }; message?: string };
    try {
      frame = JSON.parse(data.toString()) as typeof frame;
    } catch {
      fail(`a frame that is not JSON: ${data.toString().slice(0, 100)}`);
      return;
    }
    if (frame.type === 'pong') {
      waiting.get('pong')?.();
      return;
    }
    if (frame.type !== 'publish' || frame.topic !== room || typeof frame.data?.id !== 'string') {
      fail(`an unexpected frame: ${data.toString().slice(0, 200)}`);
      return;
    }
    session.received.add(frame.data.id);
    if (frame.data.from === peer) waiting.get(frame.data.id)?.();
  });
  const closed = new Promise<void>((resolve) => {
    socket.on('close', (code) => {
      if (!leaving) {
        fail(`closed by the server with code ${code}`);
        session.leftAt = Date.now();
      }
      for (const wake of waiting.values()) wake();
      resolve();
    });
  });
  socket.on('error', (error) => {
    if (!leaving) fail(`socket error: ${error.message}`);
  });

  const opened = await new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('unexpected-response', (_request, response) => {
      fail(`handshake refused with HTTP ${response.statusCode}`);
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
  if (!opened) {
    socket.terminate();
    return;
  }
  connectionsMade++;

  /** Publishes in the room and waits for its own copy. */
  const publish = async (type: string, extra: Record<string, unknown> = {}): Promise<boolean> => {
    const id = `${peer}-${type}`;
    const record: Published = { id, room, session, sentAt: Date.now() };
    const echoed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), echoTimeoutMs);
      waiting.set(id, () => {
        clearTimeout(timer);
        resolve(session.received.has(id));
      });
    });
    socket.send(JSON.stringify({ type: 'publish', topic: room, data: { type, id, from: peer, ...extra } }));
    messagesSent++;
    const ok = await echoed;
    waiting.delete(id);
    if (ok) session.slowestEchoMs = Math.max(session.slowestEchoMs, Date.now() - record.sentAt);
    if (ok && previous) previous.completedAt = Date.now();
    previous = record;
    published.push(record);
    if (!ok && socket.readyState === WebSocket.OPEN) fail(`its ${type} did not come back within ${echoTimeoutMs} ms`);
    return ok;
  };

  socket.send(JSON.stringify({ type: 'subscribe', topics: [room] }));
  messagesSent++;
  let ok = await publish('announce');
  if (ok) session.joinedAt = Date.now();
  if (ok && Math.random() < 0.3) {
    await sleep(between(200, 600));
    ok = await publish('signal', { signal: { type: 'candidate', candidate: 'candidate:0 1 udp 1 ::1 9 typ host' } });
  }
  if (ok && Math.random() < 0.3) {
    // A ping answered by the mock route, as y-webrtc sends every 15 s.
    const pong = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), echoTimeoutMs);
      waiting.set('pong', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    socket.send('{"type":"ping"}');
    messagesSent++;
    if (!(await pong)) fail('no pong');
    waiting.delete('pong');
  }
  // The goodbye completes the publish before it (see Published.completedAt); it is not checked itself.
  if (ok) {
    await sleep(between(200, 600));
    session.quietAt = Date.now();
    await publish('bye');
    // It stays a moment, as a peer does, so that what others sent before its goodbye has time
    // to arrive, at the pace the server keeps: twice its own slowest round trip.
    await sleep(Math.min(maxLingerMs, Math.max(minLingerMs, 2 * session.slowestEchoMs)));
  }

  leaving = true;
  session.leftAt ??= Date.now();
  if (session.vanishes) socket.terminate();
  else socket.close(1000);
  await closed;
}

/** A client: one session at a random time of the churn, and maybe another one later. */
async function runClient(client: number, deadline: number): Promise<void> {
  await sleep(between(0, churnMs - 4_000));
  await runSession(client);
  while (Math.random() < returnShare && Date.now() < deadline - 4_000) {
    await sleep(between(1_000, 3_000));
    await runSession(client);
  }
}

/** Connections and subscriptions; the rooms' join order items outlive them until TTL or the next announce. */
async function countItems(): Promise<number> {
  const items = (await connectionItems(runtime)).length;
  maxItems = Math.max(maxItems, items);
  return items;
}

describe('soak', () => {
  it(`${clientCount} clients churning for ${churnMs / 1000} s: no error for well-behaved clients, every publish routed, nothing left`, async () => {
    const started = Date.now();
    const deadline = started + churnMs;
    vanishUntil = deadline - 25_000;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await countItems();
        await sleep(1_000);
      }
    })();
    await Promise.all(Array.from({ length: clientCount }, (_, client) => runClient(client, deadline)));
    const churnEnded = Date.now();
    sampling = false;
    await sampler;

    // Drain: the cleanup of every $disconnect, then the 410 path and TTL for the vanished ones.
    // The wait is on DynamoDB Local's TTL sweep, not on our code: alone on its own instance the
    // table emptied 52 s after the churn, and a busy machine slows the sweep further.
    let items = await countItems();
    while (items > 0 && Date.now() - churnEnded < 100_000) {
      await sleep(500);
      items = await countItems();
    }
    await runtime.poller.drained();
    const emptyAfter = Date.now() - churnEnded;
    const left = await connectionItems(runtime);
    // What may stay: join order items, expiring by TTL as their last place's connection could last.
    const latestExpiry = Math.floor(Date.now() / 1000) + maxConnectionSeconds + 1;
    for (const item of await allItems(runtime)) {
      expect(Number((item['expiresAt'] as { N: string }).N), JSON.stringify(item)).toBeLessThanOrEqual(latestExpiry);
    }

    // Checked deliveries: a publish posted (the publisher's next publish had come back) before
    // a well-behaved session of its room left, that had joined (its own announce had come back)
    // before it was sent. Every one must have arrived.
    // Possible deliveries: every publish sent, to every other well-behaved session of its room
    // that had joined before it was sent and had not sent its goodbye yet. Those stayed on for
    // twice their slowest round trip after it, so the server's pace cannot excuse a miss;
    // the floors below hold the arrived and checked shares of them.
    let checked = 0;
    let possible = 0;
    let delivered = 0;
    let checkedPossible = 0;
    for (const message of published) {
      for (const session of sessions) {
        if (session === message.session || session.room !== message.room || session.vanishes) continue;
        if (session.joinedAt === undefined || session.leftAt === undefined || !(session.joinedAt < message.sentAt)) continue;
        const arrived = session.received.has(message.id);
        const isChecked = message.completedAt !== undefined && message.completedAt < session.leftAt;
        if (isChecked) {
          checked++;
          if (!arrived) errors.push(`${message.id} did not reach a client in ${message.room}`);
        }
        if (session.quietAt !== undefined && message.sentAt < session.quietAt) {
          possible++;
          if (arrived) delivered++;
          if (isChecked) checkedPossible++;
        }
      }
    }
    const vanished = sessions.filter((session) => session.vanishes).length;
    const share = (n: number) => `${((100 * n) / Math.max(1, possible)).toFixed(1)} %`;
    console.log(
      `soak: ${clientCount} clients, ${connectionsMade} connections (${vanished} vanished without $disconnect), ` +
        `${messagesSent} messages sent, ${framesReceived} frames received, ${possible} possible deliveries (${delivered} arrived, ` +
        `${share(delivered)}; ${checkedPossible} checked, ${share(checkedPossible)}; ${checked} checked in all), ` +
        `churn ${((churnEnded - started) / 1000).toFixed(1)} s, at most ${maxItems} items, table empty ${(emptyAfter / 1000).toFixed(1)} s after the churn ` +
        `(${metricSum('StaleReceivers')} stale receivers removed on 410, ${metricSum('ConnectionsReapedByTtl')} connections reaped by TTL), ` +
        `${metricSum('DeliveryFailures')} delivery failures, ${metricSum('HandlerErrors')} handler errors, ` +
        `${errors.length} errors`,
    );
    const kinds = new Map<string, number>();
    for (const error of errors) {
      const kind = error.replace(/^client \d+ in soak-[\w-]+/, '').replace(/[0-9a-f-]{36}/g, '<id>').replace(/soak-\d+/g, '<room>');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    if (errors.length > 0) console.log(`soak errors by kind: ${[...kinds].map(([kind, n]) => `${n}× ${kind}`).join('; ')}`);
    expect(possible).toBeGreaterThan(clientCount / 2);
    expect(delivered / possible, `${delivered} of ${possible} possible deliveries arrived`).toBeGreaterThanOrEqual(minDeliveredShare);
    expect(checkedPossible / possible, `${checkedPossible} of ${possible} possible deliveries checked`).toBeGreaterThanOrEqual(minCheckedShare);
    expect(errors.slice(0, 20)).toEqual([]);
    expect(left).toEqual([]);
    expect(connectionsMade).toBeGreaterThan(clientCount);
    expect(metricSum('HandlerErrors')).toBe(0);
    // Both ways a vanished connection goes were taken: a publish met it (410), or TTL expired it.
    expect(metricSum('StaleReceivers')).toBeGreaterThan(0);
    expect(metricSum('ConnectionsReapedByTtl')).toBeGreaterThan(0);
  }, 200_000);
});
