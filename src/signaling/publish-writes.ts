import { isAnnounce } from '../protocol/announce.js';
import type { PublishMessage } from '../protocol/messages.js';
import type { Rejection } from '../protocol/rejection.js';
import { leftoverPlaces, placeOf } from './join-order.js';
import { signerOf } from './peer-routing.js';
import type { MembershipChange, RoomMembers, RoomView } from './ports.js';
import type { PublishReport } from './publish.js';
import { subscribe, type SubscribeDependencies } from './subscribe.js';

/**
 * Every write a publish causes, here and nowhere else, in this order:
 *
 * 1. Before the fan-out, an announce whose sender has no place of its current membership
 *    joins the room: the subscribe it implies (stamped with the announce's arrival, so a
 *    newer unsubscribe still wins), then the place, then the room is read again.
 * 2. Before the fan-out, the sender's peer id is recorded on its subscription (directed
 *    signals), so that whoever hears of it through this publish can address a reply to it.
 * 3. After the fan-out, receivers API Gateway no longer knows (410) are removed, and places
 *    whose membership has ended are forgotten.
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
  if (joinsByAnnouncing(message, sender.connectionId, room)) {
    const joined = await joinByAnnouncing(message.topic, sender, dependencies);
    if (!joined.ok) return joined;
    if (joined.wrote) room = await dependencies.joinOrder!.room(message.topic);
  }
  const peerId = dependencies.recordsPeerIds ? peerIdToRecord(message, sender.connectionId, room) : undefined;
  if (peerId === undefined) return { ok: true, room };
  // Not recorded is safe: signals to this peer then reach the whole room. The publish goes out either way.
  const unrecordedPeerId = await dependencies.store.recordPeerId(message.topic, sender.connectionId, peerId, sender.at).then(
    () => undefined,
    (error: unknown) => error ?? new Error('could not record the peer id'),
  );
  return unrecordedPeerId === undefined ? { ok: true, room } : { ok: true, room, unrecordedPeerId };
}

/** @returns the failures: nothing is lost by one (TTL and the cleanup remove what stays), but they are reported. */
export async function writeAfterFanOut(topic: string, room: RoomMembers | RoomView, report: PublishReport, { store, joinOrder }: SubscribeDependencies): Promise<unknown[]> {
  const leftovers = joinOrder && 'places' in room ? leftoverPlaces(room) : new Map();
  const writes = await Promise.allSettled([
    // Gone: its subscription at once, so the next publish skips it; its connection item, so
    // that the cleanup stream removes the connection's other subscriptions.
    ...report.gone.flatMap((connectionId) => [store.removeSubscriptions(connectionId, [topic]), store.deleteConnection(connectionId)]),
    ...(leftovers.size > 0 && joinOrder ? [joinOrder.forget(topic, leftovers)] : []),
  ]);
  return writes.flatMap((write) => (write.status === 'rejected' ? [write.reason ?? new Error('a write after the fan-out failed')] : []));
}

/**
 * y-webrtc subscribes to a room before it announces there, in the same tick. On AWS the two
 * frames are separate invocations and the subscribe may not have run yet, or not placed the
 * connection yet: the announce then joins the room itself, so it has a place to be ordered by.
 */
function joinsByAnnouncing(message: PublishMessage, sender: string, room: RoomMembers | RoomView): room is RoomView {
  return 'places' in room && isAnnounce(message) && placeOf(room, sender) === undefined;
}

async function joinByAnnouncing(topic: string, sender: MembershipChange, dependencies: SubscribeDependencies): Promise<Rejection | { ok: true; wrote: boolean }> {
  const subscribed = await subscribe(sender, [topic], dependencies);
  if (!subscribed.ok) return subscribed;
  const [membership] = subscribed.memberships;
  // A newer unsubscribe stands: the announce is older than the leave, and changes nothing.
  if (!membership?.subscribed || membership.joinedAt === undefined) return { ok: true, wrote: false };
  // Joined here, subscribe placed it; else its own subscribe frame may have written the
  // subscription and not yet the place. The place is conditional: written once per membership.
  if (!membership.joined || subscribed.unplaced.length > 0) await dependencies.joinOrder!.place(topic, sender.connectionId, membership.joinedAt);
  return { ok: true, wrote: true };
}

/** The peer id to record: the publish is signed, its sender subscribed, and the room has another (or none) for it. */
function peerIdToRecord(message: PublishMessage, sender: string, room: RoomMembers): string | undefined {
  const signer = signerOf(message);
  if (signer === undefined || !room.subscribers.includes(sender)) return undefined;
  return room.peerIds.get(sender)?.peerId === signer ? undefined : signer;
}
