import type { Limits } from '../config/limits.js';
import { reject, type Rejection } from '../protocol/rejection.js';
import type { JoinOrderStore, SubscriptionStore } from './ports.js';

export interface Subscriber {
  readonly connectionId: string;
  /** Epoch milliseconds; subscriptions expire with the connection. */
  readonly connectedAt: number;
}

export interface SubscribeDependencies {
  readonly store: SubscriptionStore;
  readonly limits: Pick<Limits, 'maxTopicsPerConnection'>;
  /** Absent when rooms keep no join order (JOIN_ORDER=arrival). */
  readonly joinOrder?: JoinOrderStore | undefined;
}

/**
 * Subscribes a connection to topics and, for topics it was not subscribed to, gives it the
 * next place in each room's join order. The subscription is written before the place: a
 * place then always has its subscription, which an announce that counts on it will find.
*/
export async function subscribe(
  who: Subscriber,
  topics: readonly string[],
  { store, limits, joinOrder }: SubscribeDependencies,
): Promise<Rejection | undefined> {
  if (topics.length === 0) return undefined;
  const existing = new Set(await store.topicsOf(who.connectionId));
  if (new Set([...existing, ...topics]).size > limits.maxTopicsPerConnection) {
    return reject('too-many-subscriptions', `a connection may subscribe to ${limits.maxTopicsPerConnection} topics`);
  }
  await store.subscribe(who.connectionId, who.connectedAt, topics);
  if (joinOrder) {
    const joined = topics.filter((topic) => !existing.has(topic));
    await Promise.all(joined.map((topic) => joinOrder.place(topic, who.connectionId)));
  }
  return undefined;
}

/** Gives up the places first: a place never outlives its subscription (see `subscribe`). */
export async function unsubscribe(
  who: Pick<Subscriber, 'connectionId'>,
  topics: readonly string[],
  { store, joinOrder }: Pick<SubscribeDependencies, 'store' | 'joinOrder'>,
): Promise<void> {
  if (joinOrder) await Promise.all(topics.map((topic) => joinOrder.leave(topic, who.connectionId)));
  await store.unsubscribe(who.connectionId, topics);
}
