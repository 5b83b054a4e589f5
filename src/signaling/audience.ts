import type { SignalDelivery } from '../config/signal-delivery.js';
import { isAnnounce } from '../protocol/announce.js';
import type { PublishMessage } from '../protocol/messages.js';
import { announceReceivers } from './join-order.js';
import { addresseeOf, addresseesOf } from './peer-routing.js';
import type { MembershipChange, RoomMembers, RoomView } from './ports.js';

/** Who a publish goes to. */
export interface Audience {
  readonly receivers: readonly string[];
  /** The room's subscriber count: the `clients` number every receiver is sent. */
  readonly subscribers: number;
  /** Whether the publish was an announce delivered by the join order. */
  readonly ordered: boolean;
  /**
   * For a signal sent to the connections of its `data.to` only: how many hold that peer id
   * (more than 1: claimed twice). 0 when the publish went to everyone it would without.
   */
  readonly addressees: number;
}

export interface AudienceRules {
  /** `peer`: signals go to the connections of their `data.to`; `room` or absent: to everyone. */
  readonly signalDelivery?: SignalDelivery | undefined;
}

/**
 * Decides who receives a publish, from the room as read: nothing is read or written here.
 * - A room without a join order (JOIN_ORDER=arrival, `RoomMembers`): every subscriber, as
 *   the reference server does.
 * - A room with one (`RoomView`): an announce goes to the subscribers placed before its
 *   sender, and the sender; anything else to every subscriber. An announce older than its
 *   sender's membership (it left and came back since) belongs to a membership that has
 *   ended: it goes to no one, as its peer id is gone with it.
 * - With directed signals, a signal whose `data.to` the room knows goes to its holders only.
 */
export function audienceOf(message: PublishMessage, sender: Pick<MembershipChange, 'connectionId' | 'at'>, room: RoomMembers | RoomView, rules: AudienceRules): Audience {
  const ordered = 'places' in room && isAnnounce(message);
  const everyone = room.subscribers;
  const heard = !ordered ? everyone : isOlderThanMembership(sender, room) ? [] : announceReceivers(room, sender.connectionId);
  const audience = { receivers: heard, subscribers: everyone.length, ordered, addressees: 0 };
  const to = rules.signalDelivery === 'peer' ? addresseeOf(message) : undefined;
  if (to === undefined) return audience;
  const { receivers, holders } = addresseesOf(audience.receivers, room, to);
  return { ...audience, receivers, addressees: holders };
}

/** Whether the publish was sent before the sender's current membership in the room began. */
export function isOlderThanMembership(sender: Pick<MembershipChange, 'connectionId' | 'at'>, room: RoomMembers): boolean {
  const joinedAt = room.joinedAt.get(sender.connectionId);
  return joinedAt !== undefined && joinedAt > sender.at;
}
