/**
 * What the signaling domain needs from the outside world. The domain talks to these
 * interfaces only; src/store and src/gateway implement them on DynamoDB and API Gateway.
 */
export interface NewConnection {
  readonly connectionId: string;
  /** Epoch milliseconds, as API Gateway reports it. */
  readonly connectedAt: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Whom the `$connect` authorizer let in (the token's `sub`), when authorization is on. */
  readonly principalId?: string;
}

/**
 * A change of one connection's membership in rooms, and when API Gateway received the frame
 * that asked for it. Changes apply in the order of `at`, whatever order their invocations run
 * in (docs/architecture.md, "Membership order").
 */
export interface MembershipChange {
  readonly connectionId: string;
  /** Epoch milliseconds; the connection's items expire with it. */
  readonly connectedAt: number;
  /** Epoch milliseconds: the frame's `requestTimeEpoch`, stamped by API Gateway on arrival. */
  readonly at: number;
}

/** A connection's subscription to a room after a subscribe was applied, or found newer. */
export interface Membership {
  readonly topic: string;
  /** Whether this subscribe put it in the room (it was not before). */
  readonly joined: boolean;
  /** When its membership began; undefined when it is not in the room (a newer unsubscribe stands). */
  readonly joinedAt: number | undefined;
}

/** A membership an unsubscribe found renewed by a newer subscribe: new, joined at the leave. */
export interface Rejoined {
  readonly topic: string;
  readonly joinedAt: number;
}

/** A room of a connection, as its cleanup finds it: every item, markers of left rooms too. */
export interface ConnectionRoom {
  readonly topic: string;
  /** A marker of an unsubscribe (the connection left the room): invisible to fan-outs. */
  readonly left: boolean;
}

export interface SubscriptionStore {
  putConnection(connection: NewConnection): Promise<void>;
  /** Deletes the connection item; its subscriptions follow through the cleanup stream. */
  deleteConnection(connectionId: string): Promise<void>;
  /**
   * Puts the connection in each room, unless a change newer than `change.at` (or an
   * unsubscribe as old) has been applied there. Keeps what a subscription has: its peer id
   * and when it joined (subscribe is re-sent often).
   */
  subscribe(change: MembershipChange, topics: readonly string[]): Promise<Membership[]>;
  /**
   * Takes the connection out of each room, unless a change as new or newer has been applied
   * there: leaves a marker (the subscription item, marked left) that a late subscribe cannot
   * undo, and that expires with the connection. Where a newer subscribe has already renewed
   * a membership older than this leave, the connection left and came back: that membership
   * becomes a new one, returned so that it gets a new place.
   */
  unsubscribe(change: MembershipChange, topics: readonly string[]): Promise<Rejoined[]>;
  /** Deletes subscriptions and markers outright: for connections that have ended (cleanup, 410). */
  removeSubscriptions(connectionId: string, topics: readonly string[]): Promise<void>;
  /** Who is subscribed to the topic, expired subscriptions and markers left out, with their peer ids. */
  membersOf(topic: string): Promise<RoomMembers>;
  /**
   * Records the peer id a subscriber signs its publishes with (`data.from`) on its
   * subscription, if the publish is not older than the subscription or the peer id already
   * recorded; never on a subscription that is gone or marked left.
   */
  recordPeerId(topic: string, connectionId: string, peerId: string, at: number): Promise<void>;
  /** Every room item of the connection, markers and expired ones included (gsi1: may lag writes). */
  roomsOf(connectionId: string): Promise<ConnectionRoom[]>;
}

/** Who is subscribed to a room, and the peer id each has signed its publishes with so far. */
export interface RoomMembers {
  /** Connection ids subscribed to the topic, expired subscriptions and markers left out. */
  readonly subscribers: readonly string[];
  /** Peer id by connection id, of the subscribers whose peer id is recorded. */
  readonly peerIds: ReadonlyMap<string, string>;
  /** When each subscriber's membership began (`MembershipChange.at`). */
  readonly joinedAt: ReadonlyMap<string, number>;
}

/** A place in a room's join order, and the membership it was given to (its `joinedAt`). */
export interface Place {
  readonly place: number;
  readonly joinedAt: number;
}

/**
 * A room as one strongly consistent read sees it: who is subscribed, with their peer ids,
 * and the places of its join order (docs/architecture.md, "Join order"). A place counts only
 * for the membership it was given to: see `placeOf` in join-order.ts.
 */
export interface RoomView extends RoomMembers {
  readonly places: ReadonlyMap<string, Place>;
  /** The stamp of the newest change applied to each subscriber's membership (`MembershipChange.at`). */
  readonly changedAt: ReadonlyMap<string, number>;
}

/** The join order of each room: one DynamoDB item per room, written with conditions only. */
export interface JoinOrderStore {
  /** Subscribers and places, read strongly consistently in one request. */
  room(topic: string): Promise<RoomView>;
  /**
   * Gives the membership that joined at `joinedAt` the next place in the room, unless it has
   * one: a place never moves once others may have been ordered by it. A newer membership of
   * the same connection (it left and came back) gets a new place at the end.
   */
  place(topic: string, connectionId: string, joinedAt: number): Promise<void>;
  /**
   * Removes places whose membership has ended (left, rejoined, expired or deleted): all of
   * them, and only if each still belongs to the membership seen; else none.
   */
  forget(topic: string, places: ReadonlyMap<string, Place>): Promise<void>;
}

export type SendOutcome = 'delivered' | 'gone';

export interface ConnectionSender {
  /** Resolves `gone` when the receiver no longer exists (HTTP 410); rejects on other failures. */
  send(connectionId: string, data: string): Promise<SendOutcome>;
}
