import type { SubscriptionStore } from './ports.js';

/**
 * Deletes every subscription of a connection that has ended: one Query on the reverse
 * index, then batched deletes. Idempotent: a second run finds nothing to delete.
 * @returns the number of subscriptions deleted
 */
export async function cleanUpConnection(store: SubscriptionStore, connectionId: string): Promise<number> {
  const topics = await store.topicsOf(connectionId);
  if (topics.length > 0) await store.unsubscribe(connectionId, topics);
  return topics.length;
}
