import { describe, expect, it } from 'vitest';
import type { PublishMessage } from '../../src/protocol/messages.js';
import { addresseeOf, addresseesOf, signerOf } from '../../src/signaling/peer-routing.js';
import type { RoomMembers } from '../../src/signaling/ports.js';

const publish = (data: unknown): PublishMessage => ({ type: 'publish', topic: 'room', data });
const members = (peerIds: Record<string, string>, subscribers = Object.keys(peerIds)): RoomMembers => ({
  subscribers,
  peerIds: new Map(Object.entries(peerIds)),
  joinedAt: new Map(),
});

describe('directed signals', () => {
  it("read the addressee and the signer of y-webrtc's signals from plain JSON data only", () => {
    expect(addresseeOf(publish({ type: 'signal', from: 'a', to: 'b', signal: { type: 'offer' } }))).toBe('b');
    expect(signerOf(publish({ type: 'signal', from: 'a', to: 'b' }))).toBe('a');
    expect(signerOf(publish({ type: 'announce', from: 'a' }))).toBe('a');
    // An announce goes to the room whatever it carries; a room with a password sends encrypted text.
    expect(addresseeOf(publish({ type: 'announce', from: 'a', to: 'b' }))).toBeUndefined();
    expect(addresseeOf(publish('bm90IGpzb24='))).toBeUndefined();
    expect(signerOf(publish('bm90IGpzb24='))).toBeUndefined();
    for (const data of [undefined, null, ['to'], { to: 7 }, { to: null }, { from: {} }]) {
      expect(addresseeOf(publish(data))).toBeUndefined();
    }
    expect(signerOf(publish({ from: 7 }))).toBeUndefined();
  });

  it('send a signal to the connections that hold its peer id, both when two claim it, and to everyone when none does', () => {
    const room = members({ c1: 'a', c2: 'b', c3: 'c', c4: 'b' }, ['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(addresseesOf(room.subscribers, room, 'a')).toEqual({ receivers: ['c1'], holders: 1 });
    expect(addresseesOf(room.subscribers, room, 'b')).toEqual({ receivers: ['c2', 'c4'], holders: 2 });
    expect(addresseesOf(room.subscribers, room, 'unknown')).toEqual({ receivers: room.subscribers, holders: 0 });
  });
});
