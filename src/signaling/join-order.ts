import type { Place, RoomView } from './ports.js';

/**
 * A connection's place in the room, if it belongs to the connection's current membership: it
 * was given when that membership had begun (a late subscribe may move the beginning back,
 * never past a leave). A place of an earlier membership (the connection left, and perhaps
 * came back) counts for nothing: a rejoin takes a new place at the end, as a newcomer would.
 */
export function placeOf(room: RoomView, connectionId: string): number | undefined {
  const place = room.places.get(connectionId);
  const joinedAt = room.joinedAt.get(connectionId);
  return place !== undefined && joinedAt !== undefined && place.joinedAt >= joinedAt ? place.place : undefined;
}

/**
 * The rule that makes every join connect, whatever order Lambda runs frames in: an announce
 * reaches the subscribers placed before its sender in the room's join order, and the sender
 * itself. Of two peers joining together, the one placed later reaches the one placed earlier,
 * never the other way round, so exactly one of them sends the offer. Places come from one
 * conditional counter per room, so there are no ties. A sender without a place reaches no one.
 */
export function announceReceivers(room: RoomView, sender: string): string[] {
  const own = placeOf(room, sender);
  if (own === undefined) return [];
  return room.subscribers.filter((id) => {
    if (id === sender) return true;
    const place = placeOf(room, id);
    return place !== undefined && place < own;
  });
}

/**
 * Places whose membership has ended: its connection left the room, left and came back (a
 * newer membership), or ended. A place is written only after its subscription, so a place
 * without its membership never comes back to life.
 */
export function leftoverPlaces(room: RoomView): Map<string, Place> {
  return new Map([...room.places].filter(([id]) => placeOf(room, id) === undefined));
}
