import { allows, anyRoom, type RoomScope } from './room-scope.js';
import type { Limits } from '../config/limits.js';
import type { SignalDelivery } from '../config/signal-delivery.js';
import { pong, type PublishMessage } from '../protocol/messages.js';
import { parseClientMessage } from '../protocol/parse.js';
import { reject, type Rejection } from '../protocol/rejection.js';
import { audienceOf } from './audience.js';
import type { ConnectionSender, JoinOrderStore, MembershipChange, RoomMembers, RoomView, SubscriptionStore } from './ports.js';
import { publish, type PublishReport } from './publish.js';
import type { PublishRateLimiter } from './publish-rate-limiter.js';
import { writeAfterFanOut, writeBeforeFanOut } from './publish-writes.js';
import { subscribe, unsubscribe } from './subscribe.js';

export interface SenderConnection {
  readonly connectionId: string;
  /** Epoch milliseconds; subscriptions expire with the connection. */
  readonly connectedAt: number;
  /**
   * Epoch milliseconds: when API Gateway received the frame (`requestTimeEpoch`). A
   * connection's membership changes apply in this order, whatever order they run in.
   */
  readonly receivedAt: number;
  /** The rooms its token allows; from the authorizer, so checking it reads nothing. */
  readonly scope?: RoomScope;
}

export type MessageOutcome =
  | Rejection
  | { readonly ok: true; readonly type: 'subscribe'; readonly topics: readonly string[]; readonly unplaced: readonly string[] }
  | { readonly ok: true; readonly type: 'unsubscribe'; readonly topics: readonly string[] }
  | {
      readonly ok: true;
      readonly type: 'publish';
      readonly report: PublishReport;
      /** How many connections held the signal's `data.to`; 0 when it went to the room (see `Audience`). */
      readonly addressees: number;
      /** Why the sender's peer id could not be recorded; its signals then reach the whole room, as before. */
      readonly unrecordedPeerId?: unknown;
      /** Writes after the fan-out that failed (removing gone receivers, forgetting ended places); TTL and the cleanup catch up. */
      readonly failedWrites: readonly unknown[];
    }
  | { readonly ok: true; readonly type: 'ping' };

export interface MessageReceiverDependencies {
  readonly store: SubscriptionStore;
  readonly sender: ConnectionSender;
  readonly limits: Limits;
  readonly publishLimiter: PublishRateLimiter;
  /** The rooms' join order; absent with JOIN_ORDER=arrival (the reference server's rule). */
  readonly joinOrder?: JoinOrderStore | undefined;
  /** `peer`: signals go to the connections of their `data.to` (SIGNAL_DELIVERY); `room` or absent: to everyone. */
  readonly signalDelivery?: SignalDelivery | undefined;
}

/** Acts on one frame from a client. A frame that is refused changes nothing. */
export async function receiveMessage(
  from: SenderConnection,
  frame: string,
  dependencies: MessageReceiverDependencies,
): Promise<MessageOutcome> {
  const { sender, limits, publishLimiter } = dependencies;
  const parsed = parseClientMessage(frame, limits);
  if (!parsed.ok) return parsed;
  const { message } = parsed;

  const scope = from.scope ?? anyRoom;
  const change: MembershipChange = { connectionId: from.connectionId, connectedAt: from.connectedAt, at: from.receivedAt };
  switch (message.type) {
    case 'subscribe': {
      const forbidden = message.topics.find((topic) => !allows(scope, topic));
      if (forbidden !== undefined) return reject('forbidden-topic', 'the token does not allow one of these rooms');
      const subscribed = await subscribe(change, message.topics, dependencies);
      return subscribed.ok ? { ok: true, type: 'subscribe', topics: message.topics, unplaced: subscribed.unplaced } : subscribed;
    }
    case 'unsubscribe':
      await unsubscribe(change, message.topics, dependencies);
      return { ok: true, type: 'unsubscribe', topics: message.topics };
    case 'publish': {
      if (!allows(scope, message.topic)) return reject('forbidden-topic', 'the token does not allow this room');
      if (!publishLimiter.allow(from.connectionId)) {
        return reject('rate-limited', `more than ${limits.publishesPerSecond} publishes a second`);
      }
      return publishFrom(change, message, dependencies);
    }
    case 'ping':
      await sender.send(from.connectionId, JSON.stringify(pong));
      return { ok: true, type: 'ping' };
  }
}

/** Read the room, write what must precede the fan-out, decide the audience (pure), fan out, write what follows. */
async function publishFrom(change: MembershipChange, message: PublishMessage, dependencies: MessageReceiverDependencies): Promise<MessageOutcome> {
  const { store, joinOrder, signalDelivery, sender, limits } = dependencies;
  // With a join order, one strongly consistent read; with JOIN_ORDER=arrival, the reference's rule on an eventually consistent one.
  const read: RoomMembers | RoomView = joinOrder ? await joinOrder.room(message.topic) : await store.membersOf(message.topic);
  const prepared = await writeBeforeFanOut(message, change, read, { ...dependencies, recordsPeerIds: signalDelivery === 'peer' });
  if (!prepared.ok) return prepared;
  const audience = audienceOf(message, change, prepared.room, { signalDelivery });
  const report = await publish(message, audience, sender, limits.fanOutConcurrency);
  const failedWrites = await writeAfterFanOut(message, prepared.room, report, dependencies);
  return {
    ok: true,
    type: 'publish',
    report,
    addressees: audience.addressees,
    failedWrites,
    ...(prepared.unrecordedPeerId !== undefined ? { unrecordedPeerId: prepared.unrecordedPeerId } : {}),
  };
}
