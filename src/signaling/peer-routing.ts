import { isAnnounce } from '../protocol/announce.js';
import type { PublishMessage } from '../protocol/messages.js';
import type { RoomMembers } from './ports.js';

/**
 * Directed signals (docs/architecture.md, "Directed signals"). y-webrtc's offers, answers and
 * ICE candidates name the peer they are for in `data.to` and their sender in `data.from`;
 * every other peer of the room drops them. The server learns which connection holds a peer
 * id only from that connection's own publishes, and sends a signal to the connections of its
 * `to` alone. In a room with a password `data` is encrypted text: nothing is read from it.
 */

/** The peer id a publish is addressed to: a string `to` in plain JSON `data`, never of an announce. */
export function addresseeOf(message: PublishMessage): string | undefined {
  if (isAnnounce(message)) return undefined;
  return stringField(message['data'], 'to');
}

/** The peer id a publish is signed with: a string `from` in plain JSON `data`. */
export function signerOf(message: PublishMessage): string | undefined {
  return stringField(message['data'], 'from');
}

export interface Addressees {
  readonly receivers: readonly string[];
  /** How many connections of the room hold the addressed peer id: 0 when none (the whole room then), more than 1 when claimed twice. */
  readonly holders: number;
}

/**
 * The connections of the room that hold peer id `to`. A peer id claimed by two connections
 * reaches both, so a connection that copies another's peer id never takes its signals away.
 * A peer id the room does not know reaches everyone, as without directed signals.
 */
export function addresseesOf(receivers: readonly string[], members: RoomMembers, to: string): Addressees {
  const holders = receivers.filter((connectionId) => members.peerIds.get(connectionId) === to);
  return holders.length > 0 ? { receivers: holders, holders: holders.length } : { receivers, holders: 0 };
}

function stringField(data: unknown, field: string): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
