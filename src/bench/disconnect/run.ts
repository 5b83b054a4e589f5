import { createHash, randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, DeleteTableCommand, DynamoDBClient, type BatchWriteItemCommandOutput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localAwsIdentity } from '../../config/aws-clients.js';
import { defaultLimits } from '../../config/limits.js';
import { ensureTable } from '../../local/create-table.js';
import { forEachBounded } from '../../signaling/bounded.js';
import { cleanUpConnection } from '../../signaling/clean-up-connection.js';
import { DynamoSubscriptionStore } from '../../store/dynamo-subscription-store.js';
import { createSignalingService, type SignalingService } from '../../store/entities.js';
import { expiryOf } from '../../store/expiry.js';
import { DynamoDb } from '../../aws/dynamodb.js';
import { CommandCounter, type CapacityReading } from '../../tools/command-counter.js';
import { mean } from '../../tools/stats.js';
import { PredecessorStore } from './predecessor-store.js';

export interface DisconnectBenchOptions {
  readonly endpoint: string;
  /** Subscriptions of other connections in the table, ascending. */
  readonly tableSizes: readonly number[];
  /** Topics of the connection that disconnects. */
  readonly topicCounts: readonly number[];
  /** Disconnects measured per cell; the figures are their mean. */
  readonly repetitions: number;
  /** Other connections share rooms in groups of this size: 1 means a topic per connection. */
  readonly peersPerRoom: number;
  readonly log?: (line: string) => void;
}

export interface DisconnectMeasurement {
  readonly design: 'ours' | 'predecessor';
  readonly tableSize: number;
  readonly topics: number;
  readonly requests: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly indexWriteUnits: number;
  readonly capacityUnits: number;
  readonly milliseconds: number;
}

/** Connection ids shaped like API Gateway's (16 characters of base64). */
const peerOf = (edge: number) => `${digest(`peer-${edge}`).toString('base64').slice(0, 15)}=`;
/** Room names shaped like the document ids apps use (a UUID). */
const roomName = (room: number) => {
  const hex = digest(`room-${room}`).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The least this design can spend on a disconnect: one gsi1 Query (half a read unit, eventually
 * consistent, under 4 KB) and k + 1 deletes that each write the table and gsi1. */
export function modelMinimumUnits(topics: number): number {
  return 0.5 + 2 * (topics + 1);
}

/**
 * The cost of one disconnect (with its cleanup) against the number of subscriptions already
 * in the table, for this design and the predecessor's, on the same DynamoDB in one run.
 * Ours: DeleteItem of the connection, then the cleanup's gsi1 Query and batch deletes.
 * Predecessor: a Scan of every page of the table, then one UpdateItem per topic found.
 */
export async function runDisconnectBench(options: DisconnectBenchOptions): Promise<DisconnectMeasurement[]> {
  const log = options.log ?? (() => undefined);
  const { peersPerRoom } = options;
  const roomOf = (edge: number) => roomName(Math.floor(edge / peersPerRoom));
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    ...localAwsIdentity,
    maxAttempts: 10,
  });
  const suffix = randomUUID().slice(0, 8);
  const ourTable = `bench-ours-${suffix}`;
  await ensureTable(client, ourTable);
  const service = createSignalingService(DynamoDBDocumentClient.from(client), ourTable);
  // Our store on the functions' own client, with as many attempts as the SDK client here.
  const ourClient = new DynamoDb({ endpoint: options.endpoint, ...localAwsIdentity, maxAttempts: 10 });
  const ours = new DynamoSubscriptionStore(ourClient, ourTable, defaultLimits);
  const predecessor = new PredecessorStore(client, `bench-predecessor-${suffix}`);
  await predecessor.createTable();
  const ourMeter = new CommandCounter(ourClient, { consumedCapacity: true });
  const predecessorMeter = new CommandCounter(client, { consumedCapacity: true });

  const results: DisconnectMeasurement[] = [];
  let seeded = 0;
  try {
    for (const tableSize of options.tableSizes) {
      log(`seeding ${seeded} → ${tableSize} subscriptions in both tables...`);
      await seedOurs(service, seeded, tableSize, roomOf);
      await seedPredecessor(client, predecessor.tableName, seeded, tableSize, peersPerRoom);
      seeded = tableSize;

      for (const topics of options.topicCounts) {
        const joined = Array.from({ length: topics }, (_, n) => roomOf(n * peersPerRoom));
        const ourRuns: Run[] = [];
        const predecessorRuns: Run[] = [];
        for (let repetition = 0; repetition < options.repetitions; repetition++) {
          const connectionId = `leaver-${tableSize}-${topics}-${repetition}`;
          const connectedAt = Date.now();
          await ours.putConnection({ connectionId, connectedAt });
          await ours.subscribe({ connectionId, connectedAt, at: connectedAt }, joined);
          ourRuns.push(
            await measure(ourMeter, async () => {
              await ours.deleteConnection(connectionId);
              await cleanUpConnection(ours, connectionId);
            }),
          );

          for (const topic of joined) await predecessor.subscribe(connectionId, topic);
          predecessorRuns.push(await measure(predecessorMeter, () => predecessor.disconnect(connectionId)));
        }
        results.push(summarize('ours', tableSize, topics, ourRuns), summarize('predecessor', tableSize, topics, predecessorRuns));
        log(`T=${tableSize} k=${topics}: ours ${results.at(-2)!.capacityUnits} CU, predecessor ${results.at(-1)!.capacityUnits} CU`);
      }
    }
  } finally {
    // The tables were made for this run only; an endpoint given by the user keeps nothing of it.
    for (const TableName of [ourTable, predecessor.tableName]) {
      await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
    }
    client.destroy();
    ourClient.destroy();
  }
  return results;
}

interface Run {
  readonly reading: CapacityReading;
  readonly milliseconds: number;
}

async function measure(meter: CommandCounter, work: () => Promise<unknown>): Promise<Run> {
  meter.reset();
  const started = performance.now();
  await work();
  return { milliseconds: performance.now() - started, reading: meter.reading() };
}

function summarize(design: DisconnectMeasurement['design'], tableSize: number, topics: number, runs: readonly Run[]): DisconnectMeasurement {
  const meanOf = (pick: (run: Run) => number) => mean(runs.map(pick));
  const readUnits = meanOf((run) => run.reading.readUnits);
  const writeUnits = meanOf((run) => run.reading.writeUnits);
  return {
    design,
    tableSize,
    topics,
    requests: meanOf((run) => run.reading.requests),
    readUnits,
    writeUnits,
    indexWriteUnits: meanOf((run) => run.reading.indexWriteUnits),
    capacityUnits: readUnits + writeUnits,
    milliseconds: meanOf((run) => run.milliseconds),
  };
}

async function seedOurs(service: SignalingService, from: number, to: number, roomOf: (edge: number) => string): Promise<void> {
  const connectedAt = Date.now();
  const expiresAt = expiryOf(connectedAt, defaultLimits);
  const chunk = 2_500;
  for (let start = from; start < to; start += chunk) {
    const items = [];
    for (let edge = start; edge < Math.min(to, start + chunk); edge++) {
      // As a subscribe leaves them (DynamoSubscriptionStore.subscribe), written in bulk.
      items.push({ topic: roomOf(edge), connectionId: peerOf(edge), joinedAt: connectedAt, changedAt: connectedAt, expiresAt });
    }
    const { unprocessed } = await service.entities.subscription.put(items).go({ concurrency: 8 });
    if (unprocessed.length > 0) throw new Error(`seeding left ${unprocessed.length} items unprocessed`);
  }
}

async function seedPredecessor(
  client: DynamoDBClient,
  tableName: string,
  from: number,
  to: number,
  peersPerRoom: number,
): Promise<void> {
  const requests: WriteRequest[] = [];
  for (let room = Math.floor(from / peersPerRoom); room < Math.ceil(to / peersPerRoom); room++) {
    const members = Array.from({ length: peersPerRoom }, (_, n) => room * peersPerRoom + n).filter((edge) => edge < to);
    requests.push({ PutRequest: { Item: { name: { S: roomName(room) }, receivers: { SS: members.map(peerOf) } } } });
  }
  const batches = [];
  for (let start = 0; start < requests.length; start += 25) batches.push(requests.slice(start, start + 25));
  await forEachBounded(batches, 8, async (batch) => {
    let pending: WriteRequest[] | undefined = batch;
    while (pending && pending.length > 0) {
      const result: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = result.UnprocessedItems?.[tableName];
    }
  });
}
