import type { SignalDelivery } from '../../config/signal-delivery.js';
import { operationCosts, prices } from './prices.js';

export interface Workload {
  /** Connections open at the same time, on average. */
  readonly connections: number;
  /** Rooms they are spread over; peers per room = connections / rooms. */
  readonly rooms: number;
  /** Hours a month that load lasts (730 = always). */
  readonly hours: number;
  /** Average length of one connection, in minutes (API Gateway ends every one after 120). */
  readonly sessionMinutes: number;
  /** Where signals go (SIGNAL_DELIVERY): to their addressee (`peer`, the default) or to the whole room. */
  readonly signalDelivery?: SignalDelivery;
}

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface Estimate {
  readonly design: 'ours' | 'ours, whole-room signals' | 'predecessor';
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

/** y-webrtc's traffic: a ping every 15 s, and on every join an announce plus, per peer already in the room, the pair's signals. */
export const pingsPerMinute = 4;
/**
 * An offer, an answer and 8 ICE candidates: a host candidate per address, 4 a side on one
 * dual-stack interface (the initiator sometimes adds 4 over TCP, up to 14). Measured on real
 * two-peer y-webrtc joins by test/bench/join-traffic.test.ts, which fails if this leaves that range.
 */
export const signalsPerPair = 10;

interface Traffic {
  readonly sessions: number;
  readonly pings: number;
  readonly publishes: number;
  /** Publishes sent on to a connection: an announce to the room, a signal to its addressee or, without directed signals, to the room. */
  readonly deliveries: number;
  readonly connectionMinutes: number;
  readonly peersPerRoom: number;
}

export function trafficOf(workload: Workload): Traffic {
  const minutes = workload.hours * 60;
  const peersPerRoom = Math.max(1, workload.connections / workload.rooms);
  const sessions = (workload.connections * minutes) / workload.sessionMinutes;
  const signalsPerJoin = signalsPerPair * (peersPerRoom - 1);
  const receiversPerSignal = (workload.signalDelivery ?? 'peer') === 'peer' ? 1 : peersPerRoom;
  return {
    sessions,
    pings: workload.connections * minutes * pingsPerMinute,
    publishes: sessions * (1 + signalsPerJoin),
    deliveries: sessions * (peersPerRoom + signalsPerJoin * receiversPerSignal),
    connectionMinutes: workload.connections * minutes,
    peersPerRoom,
  };
}

/**
 * This design: pings answered by API Gateway, publish one Query, disconnect constant; with
 * directed signals (the default) a signal goes to one connection, for one write per join.
 */
export function estimateOurs(workload: Workload): Estimate {
  const directed = (workload.signalDelivery ?? 'peer') === 'peer';
  const t = trafficOf(workload);
  const ms = operationCosts.milliseconds;
  const db = operationCosts.dynamoDb;
  const queryUnits = Math.max(0.5, Math.ceil((t.peersPerRoom * db.subscriptionBytes) / 4096) * 0.5);
  const invocations = {
    connect: t.sessions,
    subscribe: t.sessions,
    publish: t.publishes,
    disconnect: t.sessions,
    cleanup: t.sessions,
  };
  const gbSeconds =
    (t.sessions * (ms.connect + ms.subscribe + ms.disconnect + ms.cleanup) +
      t.publishes * ms.publishBase +
      t.deliveries * ms.perReceiver) /
    1000 *
    operationCosts.lambdaMemoryGb;
  const writeUnits =
    t.sessions *
    (db.connectWriteUnits + db.subscribeWriteUnitsPerTopic + db.disconnectWriteUnits + db.cleanupWriteUnitsPerTopic + (directed ? db.peerIdWriteUnits : 0));
  const readUnits = t.publishes * queryUnits + t.sessions * db.cleanupReadUnits;
  const messages = t.pings * 2 + t.sessions * 1 + t.publishes + t.deliveries;
  return estimate(directed ? 'ours' : 'ours, whole-room signals', [
    apiMessages(messages),
    apiMinutes(t.connectionMinutes),
    lambdaRequests(Object.values(invocations).reduce((sum, n) => sum + n, 0)),
    lambdaCompute(gbSeconds),
    dynamoWrites(writeUnits),
    dynamoReads(readUnits),
  ]);
}

/** The predecessor: every ping through Lambda, a Scan of the whole table per disconnect. */
export function estimatePredecessor(workload: Workload): Estimate {
  // It sent every publish to the whole room.
  const t = trafficOf({ ...workload, signalDelivery: 'room' });
  const ms = operationCosts.milliseconds;
  const tableBytes = workload.rooms * operationCosts.predecessorTopicItemBytes(t.peersPerRoom);
  const scanUnits = Math.max(0.5, Math.ceil(tableBytes / 4096) * 0.5);
  const gbSeconds =
    (t.sessions * (ms.connect + ms.subscribe + ms.disconnect + ms.cleanup) +
      t.publishes * (ms.publishBase + ms.perReceiver * t.peersPerRoom) +
      t.pings * ms.ping) /
    1000 *
    operationCosts.lambdaMemoryGb;
  const readUnits = t.publishes * 0.5 + t.sessions * scanUnits;
  // Subscribe and disconnect each update the topic item; the item holds all the room's ids.
  const itemUnits = Math.ceil(operationCosts.predecessorTopicItemBytes(t.peersPerRoom) / 1024);
  const writeUnits = t.sessions * 2 * itemUnits;
  const messages = t.pings * 2 + t.sessions + t.publishes + t.deliveries;
  return estimate('predecessor', [
    apiMessages(messages),
    apiMinutes(t.connectionMinutes),
    lambdaRequests(t.sessions * 3 + t.publishes + t.pings),
    lambdaCompute(gbSeconds),
    dynamoWrites(writeUnits),
    dynamoReads(readUnits),
  ]);
}

function estimate(design: Estimate['design'], lines: CostLine[]): Estimate {
  return { design, lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0) };
}

const perMillion = (quantity: number, price: number) => (quantity / 1e6) * price;

const apiMessages = (n: number): CostLine => ({
  item: 'API Gateway messages',
  quantity: n,
  unit: 'messages',
  usd:
    perMillion(Math.min(n, 1e9), prices.apiGateway.perMillionMessages) +
    perMillion(Math.max(0, n - 1e9), prices.apiGateway.perMillionMessagesAfterBillion),
});
const apiMinutes = (n: number): CostLine => ({ item: 'API Gateway connection minutes', quantity: n, unit: 'minutes', usd: perMillion(n, prices.apiGateway.perMillionConnectionMinutes) });
const lambdaRequests = (n: number): CostLine => ({ item: 'Lambda requests', quantity: n, unit: 'requests', usd: perMillion(n, prices.lambda.perMillionRequests) });
const lambdaCompute = (n: number): CostLine => ({ item: 'Lambda compute', quantity: n, unit: 'GB-s', usd: n * prices.lambda.perGbSecond });
const dynamoWrites = (n: number): CostLine => ({ item: 'DynamoDB write units', quantity: n, unit: 'WRU', usd: perMillion(n, prices.dynamoDb.perMillionWriteUnits) });
const dynamoReads = (n: number): CostLine => ({ item: 'DynamoDB read units', quantity: n, unit: 'RRU', usd: perMillion(n, prices.dynamoDb.perMillionReadUnits) });
