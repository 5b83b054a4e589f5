import { entityNameAttribute, entityNames, entityVersion, entityVersionAttribute, keyPrefix, tableDefinition } from './table.js';

const { partitionKey, sortKey, reverseIndex } = tableDefinition;

/**
 * The attributes of a subscription item (a connection's membership in a room) that decide
 * the order of its changes (docs/architecture.md, "Membership order"). All times are the
 * gateway's `requestTimeEpoch` of the frame that made the change, in epoch milliseconds.
 */
export const membershipAttributes = {
  /** The newest change applied: a change with an older stamp changes nothing, but see `joinedAt` and `leftAt`. */
  changedAt: 'changedAt',
  /**
   * When the membership began: present while the connection is in the room, removed when it
   * leaves (the item is then a marker of a left room, kept so a late subscribe cannot undo
   * the leave). The earliest subscribe known after `leftAt`: a late one moves it back.
   */
  joinedAt: 'joinedAt',
  /** The newest leave known, kept when the connection comes back: no membership reaches back past it. */
  leftAt: 'leftAt',
  peerId: 'peerId',
  /** The stamp of the publish that recorded `peerId`. */
  peerIdAt: 'peerIdAt',
} as const;


export function subscriptionKey(topic: string, connectionId: string): Record<string, string> {
  return { [partitionKey]: `${keyPrefix.topic}${topic}`, [sortKey]: `${keyPrefix.connection}${connectionId}` };
}

/** Everything but the key that a subscription item carries whatever its state: gsi1 keys, identity, expiry. */
export function subscriptionIdentity(topic: string, connectionId: string, expiresAt: number): Record<string, string | number> {
  return {
    [reverseIndex.partitionKey]: `${keyPrefix.connection}${connectionId}`,
    [reverseIndex.sortKey]: `${keyPrefix.topic}${topic}`,
    [entityNameAttribute]: entityNames.subscription,
    [entityVersionAttribute]: entityVersion,
    [tableDefinition.timeToLiveAttribute]: expiresAt,
    topic,
    connectionId,
  };
}

/** A number attribute of an item (the client returns plain values, the item of a failed condition too). */
export function numberAttribute(item: Record<string, unknown> | undefined, name: string): number | undefined {
  const value = item?.[name];
  return typeof value === 'number' ? value : undefined;
}
