import { isAnnounce } from '../protocol/announce.js';
import type { PublishMessage } from '../protocol/messages.js';
import type { Rejection } from '../protocol/rejection.js';
import { isOlderThanMembership } from './audience.js';
import { leftoverPlaces, placeOf } from './join-order.js';
import { signerOf } from './peer-routing.js';
import type { MembershipChange, RoomMembers, RoomView } from './ports.js';
import type { PublishReport } from './publish.js';
import { subscribe, type SubscribeDependencies } from './subscribe.js';

/**
 * Every write a publish causes, here and nowhere else, in this order:
 *
 * 1. Before the fan-out, the subscribe an announce implies, stamped with the announce's
 *    arrival (so a newer unsubscribe still wins, and an older one cannot undo it), unless a
 *    change as new is already applied (y-webrtc's own subscribe, sent in the same tick);
 *    then, if its sender has no place of its current membership, the place; and if either
 *    changed the room, the room is read again.
 * 2. Before the fan-out, the sender's peer id is recorded on its subscription (directed
 *    signals), so that whoever hears of it through this publish can address a reply to it.
 * 3. After the fan-out, receivers API Gateway no longer knows (410) are removed, and, after
 *    an announce, places whose membership has ended are forgotten (not after every signal: a
 *    join storm's signals would all find the same leftover and write it away again and again).
 *
 * Who receives the publish is decided between 2 and 3 from the room as then read, by a pure
 * function (`audienceOf`).
 */

/** The room after the writes before the fan-out; `unrecordedPeerId` says why the peer id was not written, if it was not. */
export interface Prepared {
  readonly ok: true;
  readonly room: RoomMembers | RoomView;
  readonly unrecordedPeerId?: unknown;
}

export interface PublishWriteDependencies extends SubscribeDependencies {
  /** Whether the sender's peer id is recorded (SIGNAL_DELIVERY=peer). */
  readonly recordsPeerIds: boolean;
}

export async function writeBeforeFanOut(
  message: PublishMessage,
  sender: MembershipChange,
  read: RoomMembers | RoomView,
  dependencies: PublishWriteDependencies,
): Promise<Prepared | Rejection> {
  let room = read;
  if (subscribesByAnnouncing(message, sender, room)) {
    const joined = await subscribeByAnnouncing(message.topic, sender, room, dependencies);
    if (!joined.ok) return joined;
    if (joined.changedRoom) room = await dependencies.joinOrder!.room(message.topic);
  }
  const peerId = dependencies.recordsPeerIds ? peerIdToRecord(message, sender, room) : undefined;
  if (peerId === undefined) return { ok: true, room };
  // Not recorded is safe: signals to this peer then reach the whole room. The publish goes out either way.
  const unrecordedPeerId = await dependencies.store.recordPeerId(message.topic, sender.connectionId, peerId, sender.at).then(
    () => undefined,
    (error: unknown) => error ?? new Error('could not record the peer id'),
  );
  return unrecordedPeerId === undefined ? { ok: true, room } : { ok: true, room, unrecordedPeerId };
}

/** @returns the failures: nothing is lost by one (TTL and the cleanup remove what stays), but they are reported. */
export async function writeAfterFanOut(message: PublishMessage, room: RoomMembers | RoomView, report: PublishReport, { store, joinOrder }: SubscribeDependencies): Promise<unknown[]> {
  const { topic } = message;
  const leftovers = joinOrder && 'places' in room && isAnnounce(message) ? leftoverPlaces(room) : new Map();
  const writes = await Promise.allSettled([
    // Gone: its subscription at once, so the next publish skips it; its connection item, so
    // that the cleanup stream removes the connection's other subscriptions.
    ...report.gone.flatMap((connectionId) => [store.removeSubscriptions(connectionId, [topic]), store.deleteConnection(connectionId)]),
    ...(leftovers.size > 0 && joinOrder ? [joinOrder.forget(topic, leftovers)] : []),
  ]);
  return writes.flatMap((write) => (write.status === 'rejected' ? [write.reason ?? new Error('a write after the fan-out failed')] : []));
}

/**
 * An announce implies a subscribe, which must obey the order of the connection's frames like
 * any other: it is written unless the room shows a change of this membership at least as new.
 * y-webrtc subscribes to a room before it announces there, in the same tick, so its own
 * subscribe usually carries the same stamp and the announce writes nothing. On AWS the two
 * frames are separate invocations and the subscribe may not have run yet, or not placed the
 * connection yet: the announce then joins the room itself, so it has a place to be ordered by.
 * An announce older than the membership it finds (a later subscribe ran first) may be the
 * frame that began it (see `MembershipWrites.subscribe`).
 */
function subscribesByAnnouncing(message: PublishMessage, sender: MembershipChange, room: RoomMembers | RoomView): room is RoomView {
  if (!('places' in room) || !isAnnounce(message)) return false;
  const changedAt = room.changedAt.get(sender.connectionId);
  return changedAt === undefined || changedAt < sender.at || placeOf(room, sender.connectionId) === undefined || isOlderThanMembership(sender, room);
}

async function subscribeByAnnouncing(
  topic: string,
  sender: MembershipChange,
  room: RoomView,
  dependencies: SubscribeDependencies,
): Promise<Rejection | { ok: true; changedRoom: boolean }> {
  const { connectionId } = sender;
  // In the room already: no room is added, so the topics-per-connection limit needs no read.
  const inRoom = room.subscribers.includes(connectionId);
  const subscribed = inRoom ? { ok: true as const, memberships: await dependencies.store.subscribe(sender, [topic]), unplaced: [] } : await subscribe(sender, [topic], dependencies);
  if (!subscribed.ok) return subscribed;
  const [membership] = subscribed.memberships;
  // A newer unsubscribe stands: the announce is older than the leave, and changes nothing.
  if (membership?.joinedAt === undefined) return { ok: true, changedRoom: false };
  // A membership this announce began was placed by `subscribe` (unless that failed); any
  // other may lack a place of its own yet: its own subscribe frame may have written the
  // subscription and not yet the place. Places are written once per membership.
  const placedBySubscribe = !inRoom && membership.joined && subscribed.unplaced.length === 0;
  const placed = room.places.get(connectionId);
  const needsPlace = !placedBySubscribe && (membership.joined || placed === undefined || placed.joinedAt < membership.joinedAt);
  if (needsPlace) await dependencies.joinOrder!.place(topic, connectionId, membership.joinedAt);
  return { ok: true, changedRoom: membership.joined || needsPlace || membership.joinedAt !== room.joinedAt.get(connectionId) };
}

/** The peer id to record: the publish is signed, by a subscriber, not before its membership began, and the room has another (or none) for it. */
function peerIdToRecord(message: PublishMessage, sender: MembershipChange, room: RoomMembers): string | undefined {
  const signer = signerOf(message);
  if (signer === undefined || !room.subscribers.includes(sender.connectionId) || isOlderThanMembership(sender, room)) return undefined;
  return room.peerIds.get(sender.connectionId) === signer ? undefined : signer;
}
