import { allows, anyRoom, type RoomScope } from './room-scope.js';
import type { Limits } from '../config/limits.js';
import type { SignalDelivery } from '../config/signal-delivery.js';
import { pong, type PublishMessage } from '../protocol/messages.js';
import { parseClientMessage } from '../protocol/parse.js';
import { reject, type Rejection } from '../protocol/rejection.js';
import { audienceOf, type Audience } from './audience.js';
import { signerOf } from './peer-routing.js';
import type { ConnectionSender, JoinOrderStore, SubscriptionStore } from './ports.js';
import { publish, type PublishReport } from './publish.js';
import type { PublishRateLimiter } from './publish-rate-limiter.js';
import { subscribe, unsubscribe } from './subscribe.js';

export interface SenderConnection {
  readonly connectionId: string;
  /** Epoch milliseconds; subscriptions expire with the connection. */
  readonly connectedAt: number;
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
  const { store, sender, limits, publishLimiter } = dependencies;
  const parsed = parseClientMessage(frame, limits);
  if (!parsed.ok) return parsed;
  const { message } = parsed;

  const scope = from.scope ?? anyRoom;
  switch (message.type) {
    case 'subscribe': {
      const forbidden = message.topics.find((topic) => !allows(scope, topic));
      if (forbidden !== undefined) return reject('forbidden-topic', 'the token does not allow one of these rooms');
      const subscribed = await subscribe(from, message.topics, dependencies);
      return subscribed.ok ? { ok: true, type: 'subscribe', topics: message.topics, unplaced: subscribed.unplaced } : subscribed;
    }
    case 'unsubscribe':
      await unsubscribe(from, message.topics, dependencies);
      return { ok: true, type: 'unsubscribe', topics: message.topics };
    case 'publish': {
      if (!allows(scope, message.topic)) return reject('forbidden-topic', 'the token does not allow this room');
      if (!publishLimiter.allow(from.connectionId)) {
        return reject('rate-limited', `more than ${limits.publishesPerSecond} publishes a second`);
      }
      const audience = await audienceOf(message, from, dependencies);
      if (!audience.ok) return audience;
      const unrecordedPeerId = dependencies.signalDelivery === 'peer' ? await recordSigner(message, from, audience, store) : undefined;
      const [report] = await Promise.all([
        publish(message, audience, store, sender, limits.fanOutConcurrency),
        dependencies.joinOrder?.forget(message.topic, audience.leftovers),
      ]);
      return { ok: true, type: 'publish', report, addressees: audience.addressees, ...(unrecordedPeerId ? { unrecordedPeerId } : {}) };
    }
    case 'ping':
      await sender.send(from.connectionId, JSON.stringify(pong));
      return { ok: true, type: 'ping' };
  }
}

/**
 * Records the peer id a subscriber signs with, the first time the room sees it, and before
 * the publish goes out: whoever hears of a peer through its announce can then address it.
 */
async function recordSigner(message: PublishMessage, from: SenderConnection, audience: Audience, store: SubscriptionStore): Promise<unknown> {
  const signer = signerOf(message);
  if (signer === undefined || !audience.sender.subscribed || audience.sender.peerId === signer) return undefined;
  // Not recorded is safe: signals to this peer then reach the whole room. The publish goes out either way.
  return store.recordPeerId(message.topic, from.connectionId, signer).then(
    () => undefined,
    (error: unknown) => error ?? new Error('could not record the peer id'),
  );
}
