import type { Limits } from '../config/limits.js';
import type { NewConnection, RoomMembers, SubscriptionStore } from '../signaling/ports.js';
import { untilAllProcessed } from './batch-retry.js';
import { isConditionFailure } from './condition-failure.js';
import type { SignalingService } from './entities.js';
import { expiryOf, nowInSeconds } from './expiry.js';

type StoreLimits = Pick<Limits, 'maxConnectionSeconds' | 'expiryGraceSeconds' | 'batchWriteAttempts'>;

interface SubscriptionKey {
  readonly topic: string;
  readonly connectionId: string;
}

/** The subscription store on one DynamoDB table, through ElectroDB. No operation scans. */
export class DynamoSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly service: SignalingService,
    private readonly limits: StoreLimits,
  ) {}

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

  async subscribe(connectionId: string, connectedAt: number, topics: readonly string[]): Promise<void> {
    const subscribedAt = Date.now();
    const expiresAt = expiryOf(connectedAt, this.limits);
    const items = topics.map((topic) => ({ topic, connectionId, subscribedAt, expiresAt }));
    await untilAllProcessed(
      items,
      async (pending) => {
        const { unprocessed } = await this.subscriptions.put([...pending]).go();
        return stillPending(pending, unprocessed);
      },
      this.limits.batchWriteAttempts,
    );
  }

  async unsubscribe(connectionId: string, topics: readonly string[]): Promise<void> {
    await this.deleteSubscriptions(topics.map((topic) => ({ topic, connectionId })));
  }

  async membersOf(topic: string): Promise<RoomMembers> {
    const now = nowInSeconds();
    const { data } = await this.subscriptions.query
      .byTopic({ topic })
      .where(({ expiresAt }, { gt }) => gt(expiresAt, now))
      .go({ pages: 'all', attributes: ['connectionId', 'peerId'] });
    const peerIds = new Map<string, string>();
    for (const { connectionId, peerId } of data) if (peerId !== undefined) peerIds.set(connectionId, peerId);
    return { subscribers: data.map((subscription) => subscription.connectionId), peerIds };
  }

  async recordPeerId(topic: string, connectionId: string, peerId: string): Promise<void> {
    try {
      // patch: an update on the condition that the subscription still exists.
      await this.subscriptions.patch({ topic, connectionId }).set({ peerId }).go({ response: 'none' });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async topicsOf(connectionId: string): Promise<string[]> {
    const { data } = await this.subscriptions.query
      .byConnection({ connectionId })
      .go({ pages: 'all', attributes: ['topic'] });
    return data.map((subscription) => subscription.topic);
  }

  private async deleteSubscriptions(keys: readonly SubscriptionKey[]): Promise<void> {
    await untilAllProcessed(
      keys,
      async (pending) => {
        const { unprocessed } = await this.subscriptions.delete([...pending]).go();
        return stillPending(pending, unprocessed);
      },
      this.limits.batchWriteAttempts,
    );
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
