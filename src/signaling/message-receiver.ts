import { allows, anyRoom, type RoomScope } from './room-scope.js';
import type { Limits } from '../config/limits.js';
import { pong } from '../protocol/messages.js';
import { parseClientMessage } from '../protocol/parse.js';
import { reject, type Rejection } from '../protocol/rejection.js';
import { audienceOf } from './audience.js';
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
  | { readonly ok: true; readonly type: 'publish'; readonly report: PublishReport }
  | { readonly ok: true; readonly type: 'ping' };

export interface MessageReceiverDependencies {
  readonly store: SubscriptionStore;
  readonly sender: ConnectionSender;
  readonly limits: Limits;
  readonly publishLimiter: PublishRateLimiter;
  /** The rooms' join order; absent with JOIN_ORDER=arrival (the reference server's rule). */
  readonly joinOrder?: JoinOrderStore | undefined;
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
      const [report] = await Promise.all([
        publish(message, audience, store, sender, limits.fanOutConcurrency),
        dependencies.joinOrder?.forget(message.topic, audience.leftovers),
      ]);
      return { ok: true, type: 'publish', report };
    }
    case 'ping':
      await sender.send(from.connectionId, JSON.stringify(pong));
      return { ok: true, type: 'ping' };
  }
}
