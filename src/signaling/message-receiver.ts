import { allows, anyRoom, type RoomScope } from '../auth/room-scope.js';
import type { Limits } from '../config/limits.js';
import { pong } from '../protocol/messages.js';
import { parseClientMessage } from '../protocol/parse.js';
import { reject, type Rejection } from '../protocol/rejection.js';
import type { ConnectionSender, SubscriptionStore } from './ports.js';
import { publish, type PublishReport } from './publish.js';
import type { PublishRateLimiter } from './publish-rate-limiter.js';

export interface SenderConnection {
  readonly connectionId: string;
  /** Epoch milliseconds; subscriptions expire with the connection. */
  readonly connectedAt: number;
  /** The rooms its token allows; from the authorizer, so checking it reads nothing. */
  readonly scope?: RoomScope;
}

export type MessageOutcome =
  | Rejection
  | { readonly ok: true; readonly type: 'subscribe' | 'unsubscribe'; readonly topics: readonly string[] }
  | { readonly ok: true; readonly type: 'publish'; readonly report: PublishReport }
  | { readonly ok: true; readonly type: 'ping' };

export interface MessageReceiverDependencies {
  readonly store: SubscriptionStore;
  readonly sender: ConnectionSender;
  readonly limits: Limits;
  readonly publishLimiter: PublishRateLimiter;
}

/** Acts on one frame from a client. A frame that is refused changes nothing. */
export async function receiveMessage(
  from: SenderConnection,
  frame: string,
  { store, sender, limits, publishLimiter }: MessageReceiverDependencies,
): Promise<MessageOutcome> {
  const parsed = parseClientMessage(frame, limits);
  if (!parsed.ok) return parsed;
  const { message } = parsed;

  const scope = from.scope ?? anyRoom;
  switch (message.type) {
    case 'subscribe': {
      const forbidden = message.topics.find((topic) => !allows(scope, topic));
      if (forbidden !== undefined) return reject('forbidden-topic', 'the token does not allow one of these rooms');
      if (message.topics.length > 0) {
        const subscribed = new Set([...(await store.topicsOf(from.connectionId)), ...message.topics]);
        if (subscribed.size > limits.maxTopicsPerConnection) {
          return reject('too-many-subscriptions', `a connection may subscribe to ${limits.maxTopicsPerConnection} topics`);
        }
        await store.subscribe(from.connectionId, from.connectedAt, message.topics);
      }
      return { ok: true, type: 'subscribe', topics: message.topics };
    }
    case 'unsubscribe':
      await store.unsubscribe(from.connectionId, message.topics);
      return { ok: true, type: 'unsubscribe', topics: message.topics };
    case 'publish':
      if (!allows(scope, message.topic)) return reject('forbidden-topic', 'the token does not allow this room');
      if (!publishLimiter.allow(from.connectionId)) {
        return reject('rate-limited', `more than ${limits.publishesPerSecond} publishes a second`);
      }
      return { ok: true, type: 'publish', report: await publish(message, store, sender, limits.fanOutConcurrency) };
    case 'ping':
      await sender.send(from.connectionId, JSON.stringify(pong));
      return { ok: true, type: 'ping' };
  }
}
