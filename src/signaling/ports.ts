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

export interface SubscriptionStore {
  putConnection(connection: NewConnection): Promise<void>;
  /** Deletes the connection item; its subscriptions follow through the cleanup stream. */
  deleteConnection(connectionId: string): Promise<void>;
  /** Idempotent: subscribing twice to a topic leaves one subscription. */
  subscribe(connectionId: string, connectedAt: number, topics: readonly string[]): Promise<void>;
  unsubscribe(connectionId: string, topics: readonly string[]): Promise<void>;
  /** Who is subscribed to the topic, expired subscriptions left out, with their peer ids. */
  membersOf(topic: string): Promise<RoomMembers>;
  /**
   * Records the peer id a subscriber signs its publishes with (`data.from`) on its
   * subscription, unless the subscription is gone. Written once per connection and room.
   */
  recordPeerId(topic: string, connectionId: string, peerId: string): Promise<void>;
  /** Every topic the connection is subscribed to, expired ones included (for cleanup). */
  topicsOf(connectionId: string): Promise<string[]>;
}

/** Who is subscribed to a room, and the peer id each has signed its publishes with so far. */
export interface RoomMembers {
  /** Connection ids subscribed to the topic, expired subscriptions left out. */
  readonly subscribers: readonly string[];
  /** Peer id by connection id, of the subscribers whose peer id is recorded. */
  readonly peerIds: ReadonlyMap<string, string>;
}

/**
 * A room as one strongly consistent read sees it: who is subscribed, with their peer ids,
 * and each subscriber's place in the room's join order (docs/architecture.md, "Join order").
 */
export interface RoomView extends RoomMembers {
  /** Place in the join order by connection id. A subscriber without one is still joining. */
  readonly places: ReadonlyMap<string, number>;
}

/** The join order of each room: one DynamoDB item per room, written with conditions only. */
export interface JoinOrderStore {
  /** Subscribers and places, read strongly consistently in one request. */
  room(topic: string): Promise<RoomView>;
  /**
   * Gives the connection the next place in the room, unless it has one: a place never moves
   * once others may have been ordered by it (subscribe is re-sent often).
   */
  place(topic: string, connectionId: string): Promise<void>;
  /** Removes the connection's place. */
  leave(topic: string, connectionId: string): Promise<void>;
  /**
   * Removes places of connections that are no longer subscribed: all of them, and only if
   * each is still the place seen and its connection still has no subscription; else none.
   */
  forget(topic: string, places: ReadonlyMap<string, number>): Promise<void>;
}

export type SendOutcome = 'delivered' | 'gone';

export interface ConnectionSender {
  /** Resolves `gone` when the receiver no longer exists (HTTP 410); rejects on other failures. */
  send(connectionId: string, data: string): Promise<SendOutcome>;
}
