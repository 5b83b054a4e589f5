import { isAnnounce } from '../protocol/announce.js';
import type { PublishMessage } from '../protocol/messages.js';
import type { Rejection } from '../protocol/rejection.js';
import { announceReceivers, leftoverPlaces } from './join-order.js';
import type { RoomView } from './ports.js';
import { subscribe, type SubscribeDependencies, type Subscriber } from './subscribe.js';

/** Who a publish goes to. */
export interface Audience {
  readonly ok: true;
  readonly receivers: readonly string[];
  /** The room's subscriber count: the `clients` number every receiver is sent. */
  readonly subscribers: number;
  /** Places of connections that have left the room, seen on the way; safe to forget. */
  readonly leftovers: ReadonlyMap<string, number>;
  /** Whether the publish was an announce delivered by the join order. */
  readonly ordered: boolean;
}

/**
 * Decides who receives a publish.
 * - JOIN_ORDER=arrival: every subscriber the room has when the server reads it, as the
 *   reference server does.
 * - JOIN_ORDER=room: an announce goes to the subscribers placed before its sender (and the
 *   sender); anything else to every subscriber. The room is read strongly consistently, so
 *   a subscription written before the read is seen.
 */
export async function audienceOf(
  message: PublishMessage,
  from: Subscriber,
  dependencies: SubscribeDependencies,
): Promise<Audience | Rejection> {
  const { store, joinOrder } = dependencies;
  if (!joinOrder) {
    const subscribers = await store.subscribersOf(message.topic);
    return { ok: true, receivers: subscribers, subscribers: subscribers.length, leftovers: new Map(), ordered: false };
  }
  let room = await joinOrder.room(message.topic);
  if (!isAnnounce(message)) return everyone(room);

  const leftover = leftoverPlaces(room).get(from.connectionId);
  if (leftover !== undefined) {
    // A place kept from a subscription this connection no longer has: it joins afresh.
    await joinOrder.forget(message.topic, new Map([[from.connectionId, leftover]]));
    room = await joinOrder.room(message.topic);
  }
  if (!room.places.has(from.connectionId)) {
    // y-webrtc subscribes to a room before it announces there, in the same tick. On AWS the
    // two frames are separate invocations and the subscribe may not have run yet: the
    // announce then records the subscription itself, so it has a place to be ordered by.
    if (!room.subscribers.includes(from.connectionId)) {
      const subscribed = await subscribe(from, [message.topic], dependencies);
      if (!subscribed.ok) return subscribed;
    }
    // Also when subscribe placed nothing: its own subscribe frame may have written the
    // subscription, and not yet the place.
    await joinOrder.place(message.topic, from.connectionId);
    room = await joinOrder.room(message.topic);
  }
  return {
    ok: true,
    receivers: announceReceivers(room, from.connectionId),
    subscribers: room.subscribers.length,
    leftovers: leftoverPlaces(room),
    ordered: true,
  };
}

function everyone(room: RoomView): Audience {
  return { ok: true, receivers: room.subscribers, subscribers: room.subscribers.length, leftovers: new Map(), ordered: false };
}
