import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Limits } from '../config/limits.js';
import type { ConnectionRoom, Membership, MembershipChange, NewConnection, Rejoined, RoomMembers, SubscriptionStore } from '../signaling/ports.js';
import { untilAllProcessed } from './batch-retry.js';
import { createSignalingService, type SignalingService } from './entities.js';
import { expiryOf, nowInSeconds } from './expiry.js';
import { MembershipWrites } from './membership-writes.js';

type StoreLimits = Pick<Limits, 'maxConnectionSeconds' | 'expiryGraceSeconds' | 'batchWriteAttempts'>;

interface SubscriptionKey {
  readonly topic: string;
  readonly connectionId: string;
}

/**
 * The subscription store on one DynamoDB table. No operation scans. Membership changes are
 * conditional updates of the subscription item, ordered by the stamp of their frame
 * (`MembershipWrites`); reads and deletes go through ElectroDB.
 */
export class DynamoSubscriptionStore implements SubscriptionStore {
  private readonly service: SignalingService;
  private readonly writes: MembershipWrites;

  constructor(documents: DynamoDBDocumentClient, tableName: string, private readonly limits: StoreLimits) {
    this.service = createSignalingService(documents, tableName);
    this.writes = new MembershipWrites(documents, tableName, limits);
  }

  private get connections() {
    return this.service.entities.connection;
  }

  private get subscriptions() {
    return this.service.entities.subscription;
  }

  async putConnection(connection: NewConnection): Promise<void> {
    await this.connections
      .put({ ...connection, expiresAt: expiryOf(connection.connectedAt, this.limits) })
      .go({ response: 'none' });
  }

  async deleteConnection(connectionId: string): Promise<void> {
    await this.connections.delete({ connectionId }).go({ response: 'none' });
  }

  async subscribe(change: MembershipChange, topics: readonly string[]): Promise<Membership[]> {
    return Promise.all(topics.map((topic) => this.writes.subscribe(change, topic)));
  }

  async unsubscribe(change: MembershipChange, topics: readonly string[]): Promise<Rejoined[]> {
    const rejoined = await Promise.all(topics.map((topic) => this.writes.unsubscribe(change, topic)));
    return rejoined.filter((membership) => membership !== undefined);
  }

  async removeSubscriptions(connectionId: string, topics: readonly string[]): Promise<void> {
    await untilAllProcessed(
      topics.map((topic) => ({ topic, connectionId })),
      async (pending) => {
        const { unprocessed } = await this.subscriptions.delete([...pending]).go();
        return stillPending(pending, unprocessed);
      },
      this.limits.batchWriteAttempts,
    );
  }

  async membersOf(topic: string): Promise<RoomMembers> {
    const now = nowInSeconds();
    const { data } = await this.subscriptions.query
      .byTopic({ topic })
      .where(({ expiresAt, joinedAt }, { gt, exists }) => `${gt(expiresAt, now)} AND ${exists(joinedAt)}`)
      .go({ pages: 'all', attributes: ['connectionId', 'peerId', 'joinedAt'] });
    const peerIds = new Map<string, string>();
    const joinedAt = new Map<string, number>();
    for (const subscription of data) {
      if (subscription.peerId !== undefined) peerIds.set(subscription.connectionId, subscription.peerId);
      if (subscription.joinedAt !== undefined) joinedAt.set(subscription.connectionId, subscription.joinedAt);
    }
    return { subscribers: data.map((subscription) => subscription.connectionId), peerIds, joinedAt };
  }

  async recordPeerId(topic: string, connectionId: string, peerId: string, at: number): Promise<void> {
    await this.writes.recordPeerId(topic, connectionId, peerId, at);
  }

  async roomsOf(connectionId: string): Promise<ConnectionRoom[]> {
    const { data } = await this.subscriptions.query
      .byConnection({ connectionId })
      .go({ pages: 'all', attributes: ['topic', 'joinedAt'] });
    return data.map((subscription) => ({ topic: subscription.topic, left: subscription.joinedAt === undefined }));
  }

}

/** ElectroDB hands back unprocessed keys, or null for a key it cannot read: then retry them all (writes are idempotent). */
function stillPending<T extends SubscriptionKey>(pending: readonly T[], unprocessed: readonly (Partial<SubscriptionKey> | null)[]): T[] {
  if (unprocessed.some((key) => key === null)) return [...pending];
  return pending.filter((item) => unprocessed.some((key) => key !== null && sameSubscription(key, item)));
}

function sameSubscription(a: Partial<SubscriptionKey>, b: SubscriptionKey): boolean {
  return a.topic === b.topic && a.connectionId === b.connectionId;
}

