import { describe, expect, it } from 'vitest';
import { announceReceivers, leftoverPlaces, placeOf } from '../../src/signaling/join-order.js';
import type { RoomView } from '../../src/signaling/ports.js';

/** A room whose subscribers all joined at 1 and whose places were all given to those memberships. */
const room = (subscribers: string[], places: Record<string, number>): RoomView => ({
  subscribers,
  peerIds: new Map(),
  joinedAt: new Map(subscribers.map((id) => [id, 1])),
  changedAt: new Map(subscribers.map((id) => [id, 1])),
  places: new Map(Object.entries(places).map(([id, place]) => [id, { place, joinedAt: 1 }])),
});

describe('the join order rule', () => {
  it('sends an announce to the subscribers placed before its sender, and to the sender', () => {
    const view = room(['a', 'b', 'c', 'd'], { a: 1, b: 2, c: 3, d: 4 });
    expect(announceReceivers(view, 'c')).toEqual(['a', 'b', 'c']);
    expect(announceReceivers(view, 'a')).toEqual(['a']);
  });

  it('gives exactly one of every pair the other\'s announce, whatever order the reads happen in', () => {
    // Every room a read may see while a, b and c join: places only ever appear, never move.
    const views = [
      room(['a', 'b', 'c'], { a: 1, b: 2, c: 3 }),
      room(['a', 'b', 'c'], { b: 1, c: 2, a: 3 }),
      room(['c', 'b', 'a'], { c: 1, a: 2, b: 3 }),
    ];
    for (const view of views) {
      for (const [x, y] of [['a', 'b'], ['a', 'c'], ['b', 'c']] as const) {
        const xHearsY = announceReceivers(view, y).includes(x);
        const yHearsX = announceReceivers(view, x).includes(y);
        expect(xHearsY !== yHearsX, `${x}/${y} in ${JSON.stringify([...view.places])}`).toBe(true);
      }
    }
  });

  it('leaves out subscribers that have no place yet: they are still joining and will announce to the others', () => {
    const view = room(['a', 'b', 'late'], { a: 1, b: 2 });
    expect(announceReceivers(view, 'b')).toEqual(['a', 'b']);
    expect(announceReceivers(view, 'late')).toEqual([]);
  });

  it('sends an announce from a connection processed before its own subscribe nowhere until it has a place', () => {
    // Out of order: the announce ran first; audienceOf places it before using this rule.
    expect(announceReceivers(room(['a'], { a: 1 }), 'b')).toEqual([]);
  });

  it('leaves out places without a subscription, and reports them as leftovers', () => {
    const view = room(['a', 'c'], { a: 1, gone: 2, c: 3 });
    expect(announceReceivers(view, 'c')).toEqual(['a', 'c']);
    expect([...leftoverPlaces(view)]).toEqual([['gone', { place: 2, joinedAt: 1 }]]);
    expect(leftoverPlaces(room(['a'], { a: 1 })).size).toBe(0);
  });

  it('counts a place only for the membership it was given to: one that left and came back is a newcomer', () => {
    const back: RoomView = { ...room(['a', 'b', 'c'], { a: 1, b: 2, c: 3 }), joinedAt: new Map([['a', 1], ['b', 5], ['c', 1]]) };
    // b left and came back (joined at 5); its place 2 was given to its membership of 1, and it has none yet.
    expect(placeOf(back, 'b')).toBeUndefined();
    expect(announceReceivers(back, 'c')).toEqual(['a', 'c']);
    expect(announceReceivers(back, 'b')).toEqual([]);
    expect([...leftoverPlaces(back)]).toEqual([['b', { place: 2, joinedAt: 1 }]]);
    // Once its new place is written, it is ordered after everyone who joined before it came back.
    const placed: RoomView = { ...back, places: new Map([...back.places, ['b', { place: 4, joinedAt: 5 }]]) };
    expect(announceReceivers(placed, 'b')).toEqual(['a', 'b', 'c']);
    expect(leftoverPlaces(placed).size).toBe(0);
  });
});
