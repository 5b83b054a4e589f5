import { operationCosts } from '../cost/prices.js';
import { quotas, type QuotaName } from './quotas.js';

/** The deployment to size: how many connections, in rooms of what size, with which client. */
export interface CapacityInput {
  readonly connections: number;
  readonly roomSize: number;
  /** API Gateway's connection limit (2 hours). */
  readonly maxConnectionSeconds: number;
  /** The client module's early-close window (docs/clients.md); 0: clients without it. */
  readonly earlyCloseWindowSeconds: number;
  /** The client module's spread after a cut it did not choose; 0: clients without it. */
  readonly reconnectSpreadSeconds: number;
  /** A `$connect` authorizer runs on every connect. */
  readonly authorizer: boolean;
  /** Init Duration added to every invocation when the wave meets no warm environment. */
  readonly coldStartMs: number;
  /**
   * Milliseconds each function runs per invocation, warm: your deployment's Duration p50 from
   * its REPORT lines or the dashboard. Default: the cost model's (src/bench/cost/prices.ts).
   */
  readonly functionMs?: Partial<Record<'authorizer' | 'connect' | 'message' | 'disconnect' | 'cleanup', number>>;
}

/** One way reconnects arrive: how many per second, and over how many seconds a room's members come back. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly reconnectsPerSecond: number;
  /** Reconnects per second in one room at the height of it. */
  readonly roomReconnectsPerSecond: number;
}

export interface QuotaLoad {
  readonly quota: QuotaName;
  readonly load: number;
  readonly limit: number;
  /** The connection count (or, for a partition, the room size) at which the load reaches the quota. */
  readonly bindsAt: number;
  readonly bindsOn: 'connections' | 'room size';
}

export interface ScenarioLoad extends Scenario {
  readonly loads: readonly QuotaLoad[];
  /** Lambda concurrency if every invocation of the wave were a cold start: the upper bound. */
  readonly lambdaConcurrencyAllCold: number;
  /** The quota that binds at the lowest connection count (partitions: only when the room size already reaches it). */
  readonly bindsFirst: QuotaLoad;
}

/** What one reconnect costs: requests, Lambda time and the room partition's units (src/bench/cost/prices.ts). */
export function reconnectCost(input: Pick<CapacityInput, 'roomSize' | 'authorizer' | 'functionMs'>) {
  const ms = operationCosts.milliseconds;
  const db = operationCosts.dynamoDb;
  const given = input.functionMs ?? {};
  // The announce goes to every member, the sender included; peers already connected start no new handshake.
  const callbacks = input.roomSize;
  const invocationMs = {
    ...(input.authorizer ? { authorizer: given.authorizer ?? ms.connect } : {}),
    connect: given.connect ?? ms.connect,
    subscribe: given.message ?? ms.subscribe,
    announce: given.message ?? ms.publishBase + ms.perReceiver * input.roomSize,
    disconnect: given.disconnect ?? ms.disconnect,
    cleanup: given.cleanup ?? ms.cleanup,
  };
  // On the room's partition, measured by test/bench/reconnect-cost.test.ts: writes of items
  // under 1 KB, 4 to 7 by the order things happen in: the subscribe, its place and the peer id
  // always; the subscribe an announce implies, when it is stamped a millisecond after its
  // subscribe; the old connection's cleanup (one delete, or two when it runs after the rejoin);
  // and forgetting the old place, at the first announce after that cleanup. The model takes
  // the most, 7. And the announce's strongly consistent Query of the room: a unit per 4 KB of members.
  const roomWriteUnits = 7;
  const roomReadUnits = Math.ceil((input.roomSize * db.subscriptionBytes) / 4096);
  return { callbacks, invocationMs, invocations: Object.keys(invocationMs).length, roomWriteUnits, roomReadUnits };
}

export function scenarios(input: CapacityInput): Scenario[] {
  const { connections: n, roomSize: k, maxConnectionSeconds, earlyCloseWindowSeconds, reconnectSpreadSeconds } = input;
  const list: Scenario[] = [
    {
      name: 'steady',
      description: `connections opened at random times: each reconnects once per ${hours(maxConnectionSeconds)} (API Gateway's cut)`,
      reconnectsPerSecond: n / maxConnectionSeconds,
      roomReconnectsPerSecond: k / maxConnectionSeconds,
    },
  ];
  if (earlyCloseWindowSeconds > 0) {
    const window = 0.9 * earlyCloseWindowSeconds;
    list.push({
      name: 'wave at the 2-hour mark, client module',
      description: `all ${n} opened together (a deploy, an outage, a morning rush): the module closes each at random over ${minutes(window)} before the cut`,
      reconnectsPerSecond: n / window,
      roomReconnectsPerSecond: k / window,
    });
  }
  if (reconnectSpreadSeconds > 0) {
    list.push({
      name: 'unplanned cut, client module',
      description: `every connection dropped at once (a deploy, a network event): each reconnects within ${reconnectSpreadSeconds} s, at random`,
      reconnectsPerSecond: n / reconnectSpreadSeconds,
      roomReconnectsPerSecond: k / reconnectSpreadSeconds,
    });
  }
  list.push({
    name: 'any wave, y-webrtc alone',
    description: 'connections cut together reconnect in the same second (lib0 waits 0 ms after an open connection closes), at the 2-hour mark and after every cut',
    reconnectsPerSecond: n,
    roomReconnectsPerSecond: k,
  });
  return list;
}

export function scenarioLoad(input: CapacityInput, scenario: Scenario): ScenarioLoad {
  const cost = reconnectCost(input);
  const perConnection = scenario.reconnectsPerSecond / input.connections;
  const perRoomMember = scenario.roomReconnectsPerSecond / input.roomSize;
  const lambdaSeconds = Object.values(cost.invocationMs).reduce((sum, ms) => sum + ms, 0) / 1000;
  const byConnections = (quota: QuotaName, perConnectionLoad: number): QuotaLoad => ({
    quota,
    load: perConnectionLoad * input.connections,
    limit: quotas[quota].value,
    bindsAt: quotas[quota].value / perConnectionLoad,
    bindsOn: 'connections',
  });
  const byRoomSize = (quota: QuotaName, load: number, loadAt: (roomSize: number) => number): QuotaLoad => ({
    quota,
    load,
    limit: quotas[quota].value,
    bindsAt: smallestRoomReaching(quotas[quota].value, loadAt),
    bindsOn: 'room size',
  });
  const roomLoad = (roomSize: number) => {
    const roomCost = reconnectCost({ ...input, roomSize });
    return { writes: perRoomMember * roomSize * roomCost.roomWriteUnits, reads: perRoomMember * roomSize * roomCost.roomReadUnits };
  };
  const loads: QuotaLoad[] = [
    byConnections('apiGatewayNewConnectionsPerSecond', perConnection),
    byConnections('callbackRequestsPerSecond', perConnection * cost.callbacks),
    byConnections('lambdaConcurrentExecutions', perConnection * lambdaSeconds),
    byRoomSize('partitionWriteUnitsPerSecond', roomLoad(input.roomSize).writes, (size) => roomLoad(size).writes),
    byRoomSize('partitionReadUnitsPerSecond', roomLoad(input.roomSize).reads, (size) => roomLoad(size).reads),
  ];
  const reached = loads.filter((load) => load.bindsOn === 'room size' && load.load >= load.limit);
  const byN = loads.filter((load) => load.bindsOn === 'connections').sort((a, b) => a.bindsAt - b.bindsAt);
  return {
    ...scenario,
    loads,
    lambdaConcurrencyAllCold: scenario.reconnectsPerSecond * (lambdaSeconds + (cost.invocations * input.coldStartMs) / 1000),
    bindsFirst: reached[0] ?? byN[0]!,
  };
}

function smallestRoomReaching(limit: number, loadAt: (roomSize: number) => number): number {
  let high = 1;
  while (loadAt(high) < limit && high < 1e9) high *= 2;
  let low = Math.max(1, high / 2);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (loadAt(middle) >= limit) high = middle;
    else low = middle + 1;
  }
  return high;
}

const hours = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`);
const minutes = (seconds: number) => (seconds >= 60 ? `${(seconds / 60).toFixed(seconds % 60 === 0 ? 0 : 1)} min` : `${seconds} s`);

/**
 * The most reconnects per second the default quotas take, and the quota that sets it: every
 * connection-bound quota divided by what one reconnect puts on it.
 */
export function sustainableReconnectRate(input: CapacityInput): { readonly perSecond: number; readonly quota: QuotaName } {
  const cost = reconnectCost(input);
  const lambdaSeconds = Object.values(cost.invocationMs).reduce((sum, ms) => sum + ms, 0) / 1000;
  const candidates: [QuotaName, number][] = [
    ['apiGatewayNewConnectionsPerSecond', quotas.apiGatewayNewConnectionsPerSecond.value],
    ['callbackRequestsPerSecond', quotas.callbackRequestsPerSecond.value / cost.callbacks],
    ['lambdaConcurrentExecutions', quotas.lambdaConcurrentExecutions.value / lambdaSeconds],
  ];
  const [quota, perSecond] = candidates.sort((a, b) => a[1] - b[1])[0]!;
  return { perSecond, quota };
}
