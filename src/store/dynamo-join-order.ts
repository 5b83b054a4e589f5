import { QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Limits } from '../config/limits.js';
import type { JoinOrderStore, RoomView } from '../signaling/ports.js';
import { isConditionFailure } from './condition-failure.js';
import { keyPrefix } from './entities.js';
import { expiryOf, nowInSeconds } from './expiry.js';
import { entityNameAttribute, entityNames, tableDefinition } from './table.js';

type OrderLimits = Pick<Limits, 'maxConnectionSeconds' | 'expiryGraceSeconds'>;

const { partitionKey, sortKey, reverseIndex, timeToLiveAttribute } = tableDefinition;

/**
 * The join order item of a room shares the partition of the room's subscriptions, so one
 * Query reads both. Its sort key sorts before every subscription's (`c#…`).
 */
export const joinOrderSortKey = '#order';
const counterAttribute = 'next';
const placePrefix = 'p#';

/** Most leftover places removed in one transaction: one check per place, plus the update (100 items at most). */
const maxForgetPerWrite = 49;

/**
 * The join order on the table, with the document client: the item's attributes are named by
 * connection id (`p#<connectionId>`: place), which ElectroDB's fixed schemas cannot express.
 * A place is written with one UpdateItem that increments the room's counter and stores its
 * value in the same atomic write, so places are unique and follow the order of the writes.
 */
export class DynamoJoinOrder implements JoinOrderStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limits: OrderLimits,
  ) {}

  async room(topic: string): Promise<RoomView> {
    const subscribers: string[] = [];
    const peerIds = new Map<string, string>();
    const places = new Map<string, number>();
    const now = nowInSeconds();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': partitionKey },
          ExpressionAttributeValues: { ':pk': roomKey(topic)[partitionKey] },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (typeof item[timeToLiveAttribute] === 'number' && item[timeToLiveAttribute] <= now) continue;
        if (item[sortKey] === joinOrderSortKey) {
          for (const [name, value] of Object.entries(item)) {
            if (name.startsWith(placePrefix) && typeof value === 'number') places.set(name.slice(placePrefix.length), value);
          }
        } else if (item[entityNameAttribute] === entityNames.subscription && typeof item['connectionId'] === 'string') {
          subscribers.push(item['connectionId']);
          if (typeof item['peerId'] === 'string') peerIds.set(item['connectionId'], item['peerId']);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { subscribers, peerIds, places };
  }

  async place(topic: string, connectionId: string): Promise<void> {
    const expiresAt = expiryOf(Date.now(), this.limits);
    await ignoringConditionFailure(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(topic),
          UpdateExpression:
            'SET #next = if_not_exists(#next, :zero) + :one, #place = if_not_exists(#next, :zero) + :one, #expires = :expires, #gsiPk = :pk, #gsiSk = :sk',
          ConditionExpression: 'attribute_not_exists(#place)',
          ExpressionAttributeNames: {
            '#next': counterAttribute,
            '#place': placePrefix + connectionId,
            '#expires': timeToLiveAttribute,
            // On gsi1 too, though nothing reads it there: DynamoDB Local 3.3's TTL sweep stops
            // for the whole table at an expiring item that gsi1 leaves out (docs/architecture.md).
            '#gsiPk': reverseIndex.partitionKey,
            '#gsiSk': reverseIndex.sortKey,
          },
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':expires': expiresAt, ...roomIndexKey(topic) },
        }),
      ),
    );
  }

  async leave(topic: string, connectionId: string): Promise<void> {
    await ignoringConditionFailure(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(topic),
          UpdateExpression: 'REMOVE #place',
          // Without it, an update of a room that has no order item would create one.
          ConditionExpression: 'attribute_exists(#place)',
          ExpressionAttributeNames: { '#place': placePrefix + connectionId },
        }),
      ),
    );
  }

  async forget(topic: string, places: ReadonlyMap<string, number>): Promise<void> {
    const entries = [...places].slice(0, maxForgetPerWrite);
    if (entries.length === 0) return;
    const names = Object.fromEntries(entries.map(([id], n) => [`#p${n}`, placePrefix + id]));
    const values = Object.fromEntries(entries.map(([, place], n) => [`:p${n}`, place]));
    // Each place goes only while it is the place seen and its connection has no subscription:
    // a connection that subscribed again in the meantime keeps the place others were ordered by.
    const noSubscription = entries.map(([id]) => ({
      ConditionCheck: {
        TableName: this.tableName,
        Key: { [partitionKey]: roomKey(topic)[partitionKey], [sortKey]: `${keyPrefix.connection}${id}` },
        // An expired subscription counts as none, as in every read (TTL may take days to delete it).
        ConditionExpression: 'attribute_not_exists(#pk) OR #expires <= :now',
        ExpressionAttributeNames: { '#pk': partitionKey, '#expires': timeToLiveAttribute },
        ExpressionAttributeValues: { ':now': nowInSeconds() },
      },
    }));
    await ignoringConditionFailure(
      this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            ...noSubscription,
            {
              Update: {
                TableName: this.tableName,
                Key: roomKey(topic),
                UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
                ConditionExpression: entries.map((_, n) => `#p${n} = :p${n}`).join(' AND '),
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
          ],
        }),
      ),
    );
  }
}

/** The order item's keys on gsi1: its own partition there, never a connection's (`c#…`). */
function roomIndexKey(topic: string): Record<':pk' | ':sk', string> {
  return { ':pk': `${keyPrefix.topic}${topic}`, ':sk': joinOrderSortKey };
}

function roomKey(topic: string): Record<string, string> {
  return { [partitionKey]: `${keyPrefix.topic}${topic}`, [sortKey]: joinOrderSortKey };
}

async function ignoringConditionFailure(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
