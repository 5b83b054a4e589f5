import type { DynamoDb } from '../aws/dynamodb.js';
import type { Limits } from '../config/limits.js';
import type { JoinOrderStore, Place, RoomView } from '../signaling/ports.js';
import { ignoringConditionFailure } from './condition-failure.js';
import { expiryOf, nowInSeconds } from './expiry.js';
import { membershipAttributes } from './subscription-item.js';
import { entityNameAttribute, entityNames, keyPrefix, tableDefinition } from './table.js';

type OrderLimits = Pick<Limits, 'maxConnectionSeconds' | 'expiryGraceSeconds'>;

const { partitionKey, sortKey, reverseIndex, timeToLiveAttribute } = tableDefinition;

/**
 * The join order item of a room shares the partition of the room's subscriptions, so one
 * Query reads both. Its sort key sorts before every subscription's (`c#…`).
 */
export const joinOrderSortKey = '#order';
const counterAttribute = 'next';
const placePrefix = 'p#';
/** The `joinedAt` of the membership a place was given to. */
const placeJoinedPrefix = 'j#';

/** Most leftover places removed in one UpdateItem. */
const maxForgetPerWrite = 49;

/**
 * The join order on the table, in expressions of its own: the item's attributes are named by
 * connection id (`p#<connectionId>`: place, `j#<connectionId>`: the membership it belongs
 * to), which ElectroDB's fixed schemas cannot express. A place is written with one
 * UpdateItem that increments the room's counter and stores its value in the same atomic
 * write, so places are unique and follow the order of the writes.
 */
export class DynamoJoinOrder implements JoinOrderStore {
  constructor(
    private readonly dynamoDb: DynamoDb,
    private readonly tableName: string,
    private readonly limits: OrderLimits,
  ) {}

  async room(topic: string): Promise<RoomView> {
    const subscribers: string[] = [];
    const peerIds = new Map<string, string>();
    const joinedAt = new Map<string, number>();
    const changedAt = new Map<string, number>();
    const places = new Map<string, Place>();
    const now = nowInSeconds();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamoDb.query({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': roomKey(topic)[partitionKey] },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      for (const item of page.Items ?? []) {
        if (typeof item[timeToLiveAttribute] === 'number' && item[timeToLiveAttribute] <= now) continue;
        if (item[sortKey] === joinOrderSortKey) {
          for (const [name, value] of Object.entries(item)) {
            if (!name.startsWith(placePrefix) || typeof value !== 'number') continue;
            const connectionId = name.slice(placePrefix.length);
            const placeJoinedAt = item[placeJoinedPrefix + connectionId];
            if (typeof placeJoinedAt === 'number') places.set(connectionId, { place: value, joinedAt: placeJoinedAt });
          }
        } else if (isSubscribed(item)) {
          const connectionId = item['connectionId'];
          subscribers.push(connectionId);
          joinedAt.set(connectionId, item[membershipAttributes.joinedAt] as number);
          const changed = item[membershipAttributes.changedAt];
          if (typeof changed === 'number') changedAt.set(connectionId, changed);
          const peerId = item[membershipAttributes.peerId];
          if (typeof peerId === 'string') peerIds.set(connectionId, peerId);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { subscribers, peerIds, joinedAt, changedAt, places };
  }

  async place(topic: string, connectionId: string, joinedAt: number): Promise<void> {
    const expiresAt = expiryOf(Date.now(), this.limits);
    await ignoringConditionFailure(
      this.dynamoDb.update({
        TableName: this.tableName,
        Key: roomKey(topic),
        UpdateExpression:
          'SET #next = if_not_exists(#next, :zero) + :one, #place = if_not_exists(#next, :zero) + :one, #joined = :joined, #expires = :expires, #gsiPk = :pk, #gsiSk = :sk',
        // A membership keeps its place; a newer one of the same connection takes a new one.
        ConditionExpression: 'attribute_not_exists(#joined) OR #joined < :joined',
        ExpressionAttributeNames: {
          '#next': counterAttribute,
          '#place': placePrefix + connectionId,
          '#joined': placeJoinedPrefix + connectionId,
          '#expires': timeToLiveAttribute,
          // On gsi1 too, though nothing reads it there: DynamoDB Local 3.3's TTL sweep stops
          // for the whole table at an expiring item that gsi1 leaves out (docs/architecture.md).
          '#gsiPk': reverseIndex.partitionKey,
          '#gsiSk': reverseIndex.sortKey,
        },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':joined': joinedAt, ':expires': expiresAt, ...roomIndexKey(topic) },
      }),
    );
  }

  async forget(topic: string, places: ReadonlyMap<string, Place>): Promise<void> {
    const entries = [...places].slice(0, maxForgetPerWrite);
    if (entries.length === 0) return;
    const names = Object.fromEntries(entries.flatMap(([id], n) => [[`#p${n}`, placePrefix + id], [`#j${n}`, placeJoinedPrefix + id]]));
    const values = Object.fromEntries(entries.map(([, place], n) => [`:j${n}`, place.joinedAt]));
    // A place goes only while it belongs to the membership seen ended: a membership never comes
    // back (a rejoin has a newer joinedAt), so no read of the subscriptions is needed.
    await ignoringConditionFailure(
      this.dynamoDb.update({
        TableName: this.tableName,
        Key: roomKey(topic),
        UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
        ConditionExpression: entries.map((_, n) => `#j${n} = :j${n}`).join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}

/** A subscription item of a connection in the room now (it has a `joinedAt`): not a marker of a left room. */
function isSubscribed(item: Record<string, unknown>): item is Record<string, unknown> & { connectionId: string } {
  return item[entityNameAttribute] === entityNames.subscription && typeof item['connectionId'] === 'string' && typeof item[membershipAttributes.joinedAt] === 'number';
}

/** The order item's keys on gsi1: its own partition there, never a connection's (`c#…`). */
function roomIndexKey(topic: string): Record<':pk' | ':sk', string> {
  return { ':pk': `${keyPrefix.topic}${topic}`, ':sk': joinOrderSortKey };
}

function roomKey(topic: string): Record<string, string> {
  return { [partitionKey]: `${keyPrefix.topic}${topic}`, [sortKey]: joinOrderSortKey };
}
