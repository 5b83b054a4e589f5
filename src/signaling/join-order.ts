import type { RoomView } from './ports.js';

/**
 * The rule that makes every join connect, whatever order Lambda runs frames in: an announce
 * reaches the subscribers placed before its sender in the room's join order, and the sender
 * itself. Of two peers joining together, the one placed later reaches the one placed earlier,
 * never the other way round, so exactly one of them sends the offer. Places come from one
 * conditional counter per room, so there are no ties.
 */
export function announceReceivers(room: RoomView, sender: string): string[] {
  const own = room.places.get(sender);
  if (own === undefined) return [];
  return room.subscribers.filter((id) => {
    if (id === sender) return true;
    const place = room.places.get(id);
    return place !== undefined && place < own;
  });
}

/**
 * Places whose connection is no longer subscribed. A place is written only after its
 * subscription, and removed before an unsubscribe deletes the subscription, so a place
 * without a subscription belongs to a connection that has ended.
 */
export function leftoverPlaces(room: RoomView): Map<string, number> {
  const subscribed = new Set(room.subscribers);
  return new Map([...room.places].filter(([id]) => !subscribed.has(id)));
}
