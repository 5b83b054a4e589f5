import type { Limits } from '../config/limits.js';
import { reject, type Rejection } from '../protocol/rejection.js';
import type { JoinOrderStore, Membership, MembershipChange, SubscriptionStore } from './ports.js';

export interface SubscribeDependencies {
  readonly store: SubscriptionStore;
  readonly limits: Pick<Limits, 'maxTopicsPerConnection'>;
  /** Absent when rooms keep no join order (JOIN_ORDER=arrival). */
  readonly joinOrder?: JoinOrderStore | undefined;
}

/** A subscribe that was applied; `unplaced` lists rooms joined whose join order could not be written. */
export interface Subscribed {
  readonly ok: true;
  readonly memberships: readonly Membership[];
  readonly unplaced: readonly string[];
}

/**
 * Subscribes a connection to topics, in the order of its frames (`change.at`): in a room
 * where a newer unsubscribe of this connection stands, nothing changes. Where this subscribe
 * joins the room, the connection gets the next place in the room's join order. The
 * subscription is written before the place: a place then always has its subscription, which
 * an announce that counts on it will find. A place that cannot be written does not undo the
 * subscription: the connection's announce places it (src/signaling/publish-writes.ts), and
 * y-webrtc announces right after it subscribes.
 */
export async function subscribe(
  change: MembershipChange,
  topics: readonly string[],
  { store, limits, joinOrder }: SubscribeDependencies,
): Promise<Rejection | Subscribed> {
  if (topics.length === 0) return { ok: true, memberships: [], unplaced: [] };
  const current = (await store.roomsOf(change.connectionId)).filter((room) => !room.left).map((room) => room.topic);
  if (new Set([...current, ...topics]).size > limits.maxTopicsPerConnection) {
    return reject('too-many-subscriptions', `a connection may subscribe to ${limits.maxTopicsPerConnection} topics`);
  }
  const memberships = await store.subscribe(change, topics);
  if (!joinOrder) return { ok: true, memberships, unplaced: [] };
  const joined = memberships.filter((membership) => membership.joined);
  const placed = await Promise.allSettled(joined.map(({ topic, joinedAt }) => joinOrder.place(topic, change.connectionId, joinedAt!)));
  return { ok: true, memberships, unplaced: joined.filter((_, index) => placed[index]!.status === 'rejected').map(({ topic }) => topic) };
}

/**
 * Leaves rooms, in the order of the connection's frames: the subscription becomes a marker
 * that a late subscribe (an older frame, run late) cannot undo. The place in the join order
 * ends with the membership (see `placeOf`); the next announce in the room forgets it. A
 * membership that a newer subscribe renewed before this leave ran is a new one now, and
 * joins at the end of the order, as it would have had the frames run in order.
 */
export async function unsubscribe(change: MembershipChange, topics: readonly string[], { store, joinOrder }: Pick<SubscribeDependencies, 'store' | 'joinOrder'>): Promise<void> {
  const rejoined = await store.unsubscribe(change, topics);
  if (joinOrder) await Promise.all(rejoined.map(({ topic, joinedAt }) => joinOrder.place(topic, change.connectionId, joinedAt)));
}
