import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientIdentity } from '../config/aws-clients.js';
import { tableDependencies } from '../handlers/table-dependencies.js';
import type { HandlerSettings } from '../handlers/handler-settings.js';
import { ensureTable } from './create-table.js';

/**
 * A fresh DynamoDB Local is slow until the JVM has compiled its hot paths: a burst of joins
 * right after `npm start` queued for tens of seconds where the same burst a minute later did
 * not (docs/performance.md). So `npm start` first runs what a join, a few publishes and a
 * leave ask of DynamoDB, through the handlers' own store code, on a scratch table that it
 * then deletes: the service's table, stream, metrics and dashboard never see it.
 *
 * @returns the rounds run
 */
export async function warmUpDynamoDb(settings: HandlerSettings, { durationMs = 5_000, concurrency = 8 } = {}): Promise<number> {
  const scratchTable = `${settings.tableName}-warm-up-${randomUUID().slice(0, 8)}`;
  const { dynamoDb, store, joinOrder } = tableDependencies({ ...settings, tableName: scratchTable });
  // The scratch table is made and dropped by an SDK client; the store code runs on the functions' own.
  const admin = new DynamoDBClient({ endpoint: settings.aws.dynamoDbEndpoint, ...clientIdentity(settings.aws) });
  let rounds = 0;
  try {
    await ensureTable(admin, scratchTable);
    const until = Date.now() + durationMs;
    const worker = async (worker: number) => {
      for (let round = 0; Date.now() < until; round++, rounds++) {
        const connectionId = `warm-${worker}-${round}`;
        const room = `warm-room-${worker}`;
        const connectedAt = Date.now();
        await store.putConnection({ connectionId, connectedAt, sourceIp: '127.0.0.1' });
        const change = { connectionId, connectedAt, at: connectedAt };
        await store.subscribe(change, [room]);
        await joinOrder?.place(room, connectionId, change.at);
        await store.recordPeerId(room, connectionId, `peer-${worker}-${round}`, change.at);
        for (let publish = 0; publish < 4; publish++) await Promise.all([store.membersOf(room), joinOrder?.room(room)]);
        await store.roomsOf(connectionId);
        await store.unsubscribe({ ...change, at: change.at + 1 }, [room]);
        await store.removeSubscriptions(connectionId, [room]);
        await store.deleteConnection(connectionId);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  } finally {
    await admin.send(new DeleteTableCommand({ TableName: scratchTable })).catch(() => undefined);
    admin.destroy();
    dynamoDb.destroy();
  }
  return rounds;
}
