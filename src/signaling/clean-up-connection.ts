import type { SubscriptionStore } from './ports.js';

/**
 * Deletes every subscription of a connection that has ended, and every marker of a room it
 * left: one Query on the reverse index, then batched deletes. Idempotent: a second run finds
 * nothing to delete.
 * @returns the number of items deleted
 */
export async function cleanUpConnection(store: SubscriptionStore, connectionId: string): Promise<number> {
  const topics = (await store.roomsOf(connectionId)).map((room) => room.topic);
  if (topics.length > 0) await store.removeSubscriptions(connectionId, topics);
  return topics.length;
}
