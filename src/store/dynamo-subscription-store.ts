import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Limits } from '../config/limits.js';
import type { ConnectionRoom, Membership, MembershipChange, NewConnection, RoomMembers, SubscriptionStore } from '../signaling/ports.js';
import { untilAllProcessed } from './batch-retry.js';
import { ignoringConditionFailure, isConditionFailure } from './condition-failure.js';
import { createSignalingService, type SignalingService } from './entities.js';
import { expiryOf, nowInSeconds } from './expiry.js';
import { membershipAttributes as m, numberAttribute, subscriptionIdentity, subscriptionKey } from './subscription-item.js';

type StoreLimits = Pick<Limits, 'maxConnectionSeconds' | 'expiryGraceSeconds' | 'batchWriteAttempts'>;

interface SubscriptionKey {
  readonly topic: string;
  readonly connectionId: string;
}

/** Expression names of the membership attributes an expression uses. */
const namesOf = (...attributes: (keyof typeof m)[]) => Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, m[attribute]]));

/**
 * A subscribe applies unless a newer change stands, or an unsubscribe with the same stamp:
 * on a tie the subscribe wins, whichever ran first (docs/architecture.md, "Membership order").
 */
const subscribeApplies = `attribute_not_exists(#changedAt) OR #changedAt < :at OR (#changedAt = :at AND attribute_exists(#leftAt))`;
/** An unsubscribe applies only over older changes. */
const unsubscribeApplies = `attribute_not_exists(#changedAt) OR #changedAt < :at`;
/** A peer id is recorded on a subscription it is not older than, over a record not newer than it. */
const peerIdApplies = `#joinedAt <= :at AND (attribute_not_exists(#peerIdAt) OR #peerIdAt <= :at)`;

/**
 * The subscription store on one DynamoDB table. No operation scans. Membership changes are
 * conditional updates of the subscription item, ordered by the stamp of their frame; reads
 * go through ElectroDB.
 */
export class DynamoSubscriptionStore implements SubscriptionStore {
  private readonly service: SignalingService;

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limits: StoreLimits,
  ) {
    this.service = createSignalingService(documents, tableName);
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
    return Promise.all(topics.map((topic) => this.subscribeTo(change, topic)));
  }

  /**
   * One UpdateItem: `joinedAt` is set only where it is missing (a new subscription, or a
   * marker of a left room, which has none), so a repeated subscribe keeps it, and keeps the
   * peer id; the old image says whether this subscribe joined.
   */
  private async subscribeTo(change: MembershipChange, topic: string): Promise<Membership> {
    const identity = this.identityOf(topic, change);
    try {
      const { Attributes: before } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(topic, change.connectionId),
          UpdateExpression: `SET #changedAt = :at, #joinedAt = if_not_exists(#joinedAt, :at), ${identity.assignments} REMOVE #leftAt`,
          ConditionExpression: subscribeApplies,
          ExpressionAttributeNames: { ...namesOf('changedAt', 'joinedAt', 'leftAt'), ...identity.names },
          ExpressionAttributeValues: { ':at': change.at, ...identity.values },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const keptSince = before?.[m.leftAt] === undefined ? numberAttribute(before, m.joinedAt) : undefined;
      return { topic, subscribed: true, joined: keptSince === undefined, joinedAt: keptSince ?? change.at };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // A newer change stands: the subscription as it is.
      const current = (error as { Item?: Record<string, unknown> }).Item;
      const joinedAt = numberAttribute(current, m.joinedAt);
      return { topic, subscribed: joinedAt !== undefined, joined: false, joinedAt };
    }
  }

  async unsubscribe(change: MembershipChange, topics: readonly string[]): Promise<void> {
    await Promise.all(
      topics.map((topic) => {
        const identity = this.identityOf(topic, change);
        return ignoringConditionFailure(
          this.documents.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: subscriptionKey(topic, change.connectionId),
              UpdateExpression: `SET #changedAt = :at, #leftAt = :at, ${identity.assignments} REMOVE #joinedAt, #peerId, #peerIdAt`,
              ConditionExpression: unsubscribeApplies,
              ExpressionAttributeNames: { ...namesOf('changedAt', 'leftAt', 'joinedAt', 'peerId', 'peerIdAt'), ...identity.names },
              ExpressionAttributeValues: { ':at': change.at, ...identity.values },
            }),
          ),
        );
      }),
    );
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
      .where(({ expiresAt, leftAt }, { gt, notExists }) => `${gt(expiresAt, now)} AND ${notExists(leftAt)}`)
      .go({ pages: 'all', attributes: ['connectionId', 'peerId', 'peerIdAt', 'joinedAt'] });
    const peerIds = new Map<string, { peerId: string; at: number }>();
    const joinedAt = new Map<string, number>();
    for (const subscription of data) {
      if (subscription.peerId !== undefined) peerIds.set(subscription.connectionId, { peerId: subscription.peerId, at: subscription.peerIdAt ?? 0 });
      if (subscription.joinedAt !== undefined) joinedAt.set(subscription.connectionId, subscription.joinedAt);
    }
    return { subscribers: data.map((subscription) => subscription.connectionId), peerIds, joinedAt };
  }

  async recordPeerId(topic: string, connectionId: string, peerId: string, at: number): Promise<void> {
    await ignoringConditionFailure(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(topic, connectionId),
          UpdateExpression: 'SET #peerId = :peerId, #peerIdAt = :at',
          ConditionExpression: peerIdApplies,
          ExpressionAttributeNames: namesOf('peerId', 'peerIdAt', 'joinedAt'),
          ExpressionAttributeValues: { ':peerId': peerId, ':at': at },
        }),
      ),
    );
  }

  async roomsOf(connectionId: string): Promise<ConnectionRoom[]> {
    const { data } = await this.subscriptions.query
      .byConnection({ connectionId })
      .go({ pages: 'all', attributes: ['topic', 'leftAt'] });
    return data.map((subscription) => ({ topic: subscription.topic, left: subscription.leftAt !== undefined }));
  }

  /**
   * What every write of a subscription item sets, whatever its state: a marker of a left room
   * is found by the cleanup (gsi1) and expires as a subscription does.
   */
  private identityOf(topic: string, change: MembershipChange): { assignments: string; names: Record<string, string>; values: Record<string, string | number> } {
    const fields = Object.entries(subscriptionIdentity(topic, change.connectionId, expiryOf(change.connectedAt, this.limits)));
    return {
      assignments: fields.map((_, n) => `#i${n} = :i${n}`).join(', '),
      names: Object.fromEntries(fields.map(([name], n) => [`#i${n}`, name])),
      values: Object.fromEntries(fields.map(([, value], n) => [`:i${n}`, value])),
    };
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
