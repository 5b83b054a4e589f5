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

/** A subscribe that was written; `unplaced` lists rooms whose join order could not be written. */
export interface Subscribed {
  readonly ok: true;
  readonly unplaced: readonly string[];
}

/**
 * Subscribes a connection to topics and, for topics it was not subscribed to, gives it the
 * next place in each room's join order. The subscription is written before the place: a
 * place then always has its subscription, which an announce that counts on it will find.
 * A place that cannot be written does not undo the subscription: the connection's announce
 * places it (see `audienceOf`), and y-webrtc announces right after it subscribes.
 */
export async function subscribe(
  who: Subscriber,
  topics: readonly string[],
  { store, limits, joinOrder }: SubscribeDependencies,
): Promise<Rejection | Subscribed> {
  if (topics.length === 0) return { ok: true, unplaced: [] };
  const existing = new Set(await store.topicsOf(who.connectionId));
  if (new Set([...existing, ...topics]).size > limits.maxTopicsPerConnection) {
    return reject('too-many-subscriptions', `a connection may subscribe to ${limits.maxTopicsPerConnection} topics`);
  }
  await store.subscribe(who.connectionId, who.connectedAt, topics);
  if (!joinOrder) return { ok: true, unplaced: [] };
  const joined = topics.filter((topic) => !existing.has(topic));
  const placed = await Promise.allSettled(joined.map((topic) => joinOrder.place(topic, who.connectionId)));
  return { ok: true, unplaced: joined.filter((_, index) => placed[index]!.status === 'rejected') };
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
