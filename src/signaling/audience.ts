import type { SignalDelivery } from '../config/signal-delivery.js';
import { isAnnounce } from '../protocol/announce.js';
import type { PublishMessage } from '../protocol/messages.js';
import type { Rejection } from '../protocol/rejection.js';
import { announceReceivers, leftoverPlaces } from './join-order.js';
import { addresseeOf, addresseesOf } from './peer-routing.js';
import type { RoomMembers } from './ports.js';
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
  /**
   * For a signal sent to the connections of its `data.to` only: how many hold that peer id
   * (more than 1: claimed twice). 0 when the publish went to everyone it would without.
   */
  readonly addressees: number;
  /** Whether the sender is subscribed to the room, and the peer id recorded on its subscription. */
  readonly sender: { readonly subscribed: boolean; readonly peerId: string | undefined };
}

export interface AudienceDependencies extends SubscribeDependencies {
  /** `peer`: signals go to the connections of their `data.to`; `room` or absent: to everyone. */
  readonly signalDelivery?: SignalDelivery | undefined;
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
  dependencies: AudienceDependencies,
): Promise<Audience | Rejection> {
  const audience = await roomAudienceOf(message, from, dependencies);
  if (!audience.ok || dependencies.signalDelivery !== 'peer') return audience;
  const to = addresseeOf(message);
  if (to === undefined) return audience;
  const { receivers, holders } = addresseesOf(audience.receivers, audience.members, to);
  return { ...audience, receivers, addressees: holders };
}

type RoomAudience = Audience & { readonly members: RoomMembers };

/** Who receives a publish when every publish goes to the room (the join order aside). */
async function roomAudienceOf(message: PublishMessage, from: Subscriber, dependencies: SubscribeDependencies): Promise<RoomAudience | Rejection> {
  const { store, joinOrder } = dependencies;
  if (!joinOrder) {
    const members = await store.membersOf(message.topic);
    return everyone(members, from, new Map());
  }
  let room = await joinOrder.room(message.topic);
  if (!isAnnounce(message)) return everyone(room, from, new Map());

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
    addressees: 0,
    sender: senderIn(room, from),
    members: room,
  };
}

function everyone(members: RoomMembers, from: Subscriber, leftovers: ReadonlyMap<string, number>): RoomAudience {
  const { subscribers } = members;
  return { ok: true, receivers: subscribers, subscribers: subscribers.length, leftovers, ordered: false, addressees: 0, sender: senderIn(members, from), members };
}

function senderIn(members: RoomMembers, from: Subscriber): Audience['sender'] {
  return { subscribed: members.subscribers.includes(from.connectionId), peerId: members.peerIds.get(from.connectionId) };
}
