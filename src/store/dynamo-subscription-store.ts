import type { DynamoDb, QueryInput } from '../aws/dynamodb.js';
import type { Limits } from '../config/limits.js';
import type { ConnectionRoom, Membership, MembershipChange, NewConnection, Rejoined, RoomMembers, SubscriptionStore } from '../signaling/ports.js';
import { untilAllProcessed } from './batch-retry.js';
import { connectionItem, connectionKey } from './connection-item.js';
import { expiryOf, nowInSeconds } from './expiry.js';
import { MembershipWrites } from './membership-writes.js';
import { membershipAttributes, subscriptionKey } from './subscription-item.js';
import { keyPrefix, tableDefinition } from './table.js';

type StoreLimits = Pick<Limits, 'maxConnectionSeconds' | 'expiryGraceSeconds' | 'batchWriteAttempts'>;

const { partitionKey, sortKey, reverseIndex, timeToLiveAttribute } = tableDefinition;

/** DynamoDB's BatchWriteItem limit. */
const batchWriteSize = 25;

/**
 * The subscription store on one DynamoDB table. No operation scans. Membership changes are
 * conditional updates of the subscription item, ordered by the stamp of their frame
 * (`MembershipWrites`); the rest is one request each, with plain values in and out (src/aws/dynamodb.ts).
 */
export class DynamoSubscriptionStore implements SubscriptionStore {
  private readonly writes: MembershipWrites;

  constructor(
    private readonly dynamoDb: DynamoDb,
    private readonly tableName: string,
    private readonly limits: StoreLimits,
  ) {
    this.writes = new MembershipWrites(dynamoDb, tableName, limits);
  }

  async putConnection(connection: NewConnection): Promise<void> {
    await this.dynamoDb.put({ TableName: this.tableName, Item: connectionItem(connection, expiryOf(connection.connectedAt, this.limits)) });
  }

  async deleteConnection(connectionId: string): Promise<void> {
    await this.dynamoDb.delete({ TableName: this.tableName, Key: connectionKey(connectionId) });
  }

  async subscribe(change: MembershipChange, topics: readonly string[]): Promise<Membership[]> {
    return Promise.all(topics.map((topic) => this.writes.subscribe(change, topic)));
  }

  async unsubscribe(change: MembershipChange, topics: readonly string[]): Promise<Rejoined[]> {
    const rejoined = await Promise.all(topics.map((topic) => this.writes.unsubscribe(change, topic)));
    return rejoined.filter((membership) => membership !== undefined);
  }

  async removeSubscriptions(connectionId: string, topics: readonly string[]): Promise<void> {
    for (let start = 0; start < topics.length; start += batchWriteSize) {
      await untilAllProcessed(
        topics.slice(start, start + batchWriteSize).map((topic): Record<string, unknown> => subscriptionKey(topic, connectionId)),
        async (pending) => {
          const { UnprocessedItems } = await this.dynamoDb.batchWrite({ RequestItems: { [this.tableName]: pending.map((Key) => ({ DeleteRequest: { Key } })) } });
          return (UnprocessedItems[this.tableName] ?? []).flatMap((request) => ('DeleteRequest' in request ? [request.DeleteRequest.Key] : []));
        },
        this.limits.batchWriteAttempts,
      );
    }
  }

  async membersOf(topic: string): Promise<RoomMembers> {
    const { joinedAt: joined, peerId: peer } = membershipAttributes;
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :connections)',
      // A marker of a left room has no joinedAt; an expired item may linger until TTL takes it.
      FilterExpression: '#expiresAt > :now AND attribute_exists(#joinedAt)',
      ProjectionExpression: 'connectionId, #peerId, #joinedAt',
      ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey, '#expiresAt': timeToLiveAttribute, '#joinedAt': joined, '#peerId': peer },
      ExpressionAttributeValues: { ':pk': `${keyPrefix.topic}${topic}`, ':connections': keyPrefix.connection, ':now': nowInSeconds() },
    });
    const subscribers: string[] = [];
    const peerIds = new Map<string, string>();
    const joinedAt = new Map<string, number>();
    for (const item of items) {
      const connectionId = item['connectionId'] as string;
      subscribers.push(connectionId);
      if (typeof item[peer] === 'string') peerIds.set(connectionId, item[peer]);
      if (typeof item[joined] === 'number') joinedAt.set(connectionId, item[joined]);
    }
    return { subscribers, peerIds, joinedAt };
  }

  async recordPeerId(topic: string, connectionId: string, peerId: string, at: number): Promise<void> {
    await this.writes.recordPeerId(topic, connectionId, peerId, at);
  }

  async roomsOf(connectionId: string): Promise<ConnectionRoom[]> {
    const items = await this.queryAll({
      IndexName: reverseIndex.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :topics)',
      ProjectionExpression: 'topic, #joinedAt',
      ExpressionAttributeNames: { '#pk': reverseIndex.partitionKey, '#sk': reverseIndex.sortKey, '#joinedAt': membershipAttributes.joinedAt },
      ExpressionAttributeValues: { ':pk': `${keyPrefix.connection}${connectionId}`, ':topics': keyPrefix.topic },
    });
    return items.map((item) => ({ topic: item['topic'] as string, left: item[membershipAttributes.joinedAt] === undefined }));
  }

  /** Every page of a query of the table. */
  private async queryAll(input: Omit<QueryInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamoDb.query({ ...input, TableName: this.tableName, ...(start ? { ExclusiveStartKey: start } : {}) });
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
