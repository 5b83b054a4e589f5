import type { DynamoDb } from '../aws/dynamodb.js';
import type { Limits } from '../config/limits.js';
import type { Membership, MembershipChange, Rejoined } from '../signaling/ports.js';
import { ignoringConditionFailure, isConditionFailure } from './condition-failure.js';
import { expiryOf } from './expiry.js';
import { membershipAttributes as m, numberAttribute, subscriptionIdentity, subscriptionKey } from './subscription-item.js';

/** Expression names of the membership attributes an expression uses. */
const namesOf = (...attributes: (keyof typeof m)[]) => Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, m[attribute]]));

/**
 * A subscribe applies unless a newer change stands, or a leave with the same stamp: on a tie
 * the subscribe wins, whichever ran first (docs/architecture.md, "Membership order").
 */
const subscribeApplies = `attribute_not_exists(#changedAt) OR #changedAt < :at OR (#changedAt = :at AND attribute_not_exists(#joinedAt))`;
/** A leave applies only over older changes. */
const unsubscribeApplies = `attribute_not_exists(#changedAt) OR #changedAt < :at`;
/** A peer id is recorded on a membership it is not older than, over a record not newer than it. */
const peerIdApplies = `#joinedAt <= :at AND (attribute_not_exists(#peerIdAt) OR #peerIdAt <= :at)`;
/** Rewrites of a membership an overtaken change corrects, each on condition that nothing changed since it was read. */
const correctionAttempts = 3;

/**
 * The writes of a connection's membership in a room, each a conditional UpdateItem of its
 * subscription item, in the order of the frames' arrival stamps whatever order they run in
 * (docs/architecture.md, "Membership order"). In expressions of their own: the conditions and
 * the corrections of overtaken changes need expressions ElectroDB does not build; the items
 * carry ElectroDB's identity attributes, so its reads see them.
 */
export class MembershipWrites {
  constructor(
    private readonly dynamoDb: DynamoDb,
    private readonly tableName: string,
    private readonly limits: Pick<Limits, 'maxConnectionSeconds' | 'expiryGraceSeconds'>,
  ) {}

  /**
   * One UpdateItem: `joinedAt` is set only where it is missing (a new subscription, or a
   * marker of a left room), so a repeated subscribe keeps it, and keeps the peer id; the old
   * image says whether this subscribe joined.
   */
  async subscribe(change: MembershipChange, topic: string): Promise<Membership> {
    const identity = this.identityOf(topic, change);
    try {
      const { Attributes: before } = await this.dynamoDb.update({
        TableName: this.tableName,
        Key: subscriptionKey(topic, change.connectionId),
        UpdateExpression: `SET #changedAt = :at, #joinedAt = if_not_exists(#joinedAt, :at), ${identity.assignments}`,
        ConditionExpression: subscribeApplies,
        ExpressionAttributeNames: { ...namesOf('changedAt', 'joinedAt'), ...identity.names },
        ExpressionAttributeValues: { ':at': change.at, ...identity.values },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      const keptSince = numberAttribute(before, m.joinedAt);
      return { topic, joined: keptSince === undefined, joinedAt: keptSince ?? change.at };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return this.subscribeOvertaken(change, topic, itemOf(error));
    }
  }

  /**
   * A newer change of this membership ran before this subscribe. A newer leave stands: the
   * connection is not in the room. Else it is, and if its membership began after this
   * subscribe, with no leave known in between, it began at this subscribe: in the order the
   * frames arrived, this one joined the room and the later ones found it there.
   */
  private async subscribeOvertaken(change: MembershipChange, topic: string, current: Record<string, unknown> | undefined, attempts = correctionAttempts): Promise<Membership> {
    const joinedAt = numberAttribute(current, m.joinedAt);
    const leftAt = numberAttribute(current, m.leftAt);
    if (joinedAt === undefined) return { topic, joined: false, joinedAt: undefined };
    if (joinedAt <= change.at || (leftAt !== undefined && leftAt > change.at) || attempts === 0) return { topic, joined: false, joinedAt };
    try {
      await this.dynamoDb.update({
        TableName: this.tableName,
        Key: subscriptionKey(topic, change.connectionId),
        UpdateExpression: 'SET #joinedAt = :at',
        ConditionExpression: `#joinedAt = :joinedAt AND ${leftAt === undefined ? 'attribute_not_exists(#leftAt)' : '#leftAt = :leftAt'}`,
        ExpressionAttributeNames: namesOf('joinedAt', 'leftAt'),
        ExpressionAttributeValues: { ':at': change.at, ':joinedAt': joinedAt, ...(leftAt === undefined ? {} : { ':leftAt': leftAt }) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return { topic, joined: false, joinedAt: change.at };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return this.subscribeOvertaken(change, topic, itemOf(error), attempts - 1);
    }
  }

  /** Takes the connection out of the room, unless a newer change stands; a membership renewed before this leave ran is returned (see `leaveOvertaken`). */
  async unsubscribe(change: MembershipChange, topic: string): Promise<Rejoined | undefined> {
    const identity = this.identityOf(topic, change);
    try {
      await this.dynamoDb.update({
        TableName: this.tableName,
        Key: subscriptionKey(topic, change.connectionId),
        UpdateExpression: `SET #changedAt = :at, #leftAt = :at, ${identity.assignments} REMOVE #joinedAt, #peerId, #peerIdAt`,
        ConditionExpression: unsubscribeApplies,
        ExpressionAttributeNames: { ...namesOf('changedAt', 'leftAt', 'joinedAt', 'peerId', 'peerIdAt'), ...identity.names },
        ExpressionAttributeValues: { ':at': change.at, ...identity.values },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return this.leaveOvertaken(change, topic, itemOf(error));
    }
  }

  /**
   * A newer change of this membership ran before this leave.
   * - The connection is in the room with a membership that began before the leave: a
   *   subscribe (or announce) from after the leave renewed it. In the order the frames
   *   arrived, the connection left and came back, so the membership that stands becomes a new
   *   one, joined at the leave (a subscribe wins a tie), without a peer id recorded before
   *   the leave; the caller gives it a new place.
   * - It began after the leave: the leave is still written down (`leftAt`), so that a late
   *   subscribe from before it cannot move the beginning back across it.
   * - A newer leave stands: nothing to do.
   */
  private async leaveOvertaken(change: MembershipChange, topic: string, current: Record<string, unknown> | undefined, attempts = correctionAttempts): Promise<Rejoined | undefined> {
    const joinedAt = numberAttribute(current, m.joinedAt);
    const leftAt = numberAttribute(current, m.leftAt);
    if (joinedAt === undefined || attempts === 0) return undefined;
    const split = joinedAt < change.at;
    if (!split && leftAt !== undefined && leftAt >= change.at) return undefined;
    const peerIdAt = numberAttribute(current, m.peerIdAt);
    const dropPeerId = split && peerIdAt !== undefined && peerIdAt < change.at;
    try {
      await this.dynamoDb.update({
        TableName: this.tableName,
        Key: subscriptionKey(topic, change.connectionId),
        UpdateExpression: `SET ${split ? '#joinedAt = :at, ' : ''}#leftAt = :at${dropPeerId ? ' REMOVE #peerId, #peerIdAt' : ''}`,
        // Only over the membership as read: a change in between is read again.
        ConditionExpression: [
          '#joinedAt = :joinedAt',
          leftAt === undefined ? 'attribute_not_exists(#leftAt)' : '#leftAt = :leftAt',
          peerIdAt === undefined ? 'attribute_not_exists(#peerIdAt)' : '#peerIdAt = :peerIdAt',
        ].join(' AND '),
        ExpressionAttributeNames: namesOf('joinedAt', 'leftAt', 'peerIdAt', ...(dropPeerId ? (['peerId'] as const) : [])),
        ExpressionAttributeValues: {
          ':at': change.at,
          ':joinedAt': joinedAt,
          ...(leftAt === undefined ? {} : { ':leftAt': leftAt }),
          ...(peerIdAt === undefined ? {} : { ':peerIdAt': peerIdAt }),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return split ? { topic, joinedAt: change.at } : undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return this.leaveOvertaken(change, topic, itemOf(error), attempts - 1);
    }
  }

  async recordPeerId(topic: string, connectionId: string, peerId: string, at: number): Promise<void> {
    await ignoringConditionFailure(
      this.dynamoDb.update({
        TableName: this.tableName,
        Key: subscriptionKey(topic, connectionId),
        UpdateExpression: 'SET #peerId = :peerId, #peerIdAt = :at',
        ConditionExpression: peerIdApplies,
        ExpressionAttributeNames: namesOf('peerId', 'peerIdAt', 'joinedAt'),
        ExpressionAttributeValues: { ':peerId': peerId, ':at': at },
      }),
    );
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

/** The item a failed condition read, as DynamoDB returns it with the error (ReturnValuesOnConditionCheckFailure). */
function itemOf(error: unknown): Record<string, unknown> | undefined {
  return (error as { Item?: Record<string, unknown> }).Item;
}
