import type { Limits } from '../config/limits.js';
import { pong } from '../protocol/messages.js';
import { parseClientMessage } from '../protocol/parse.js';
import type { Rejection } from '../protocol/rejection.js';
import type { ConnectionSender, SubscriptionStore } from './ports.js';
import { publish, type PublishReport } from './publish.js';

export interface SenderConnection {
  readonly connectionId: string;
  /** Epoch milliseconds; subscriptions expire with the connection. */
  readonly connectedAt: number;
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
}

/** Acts on one frame from a client. A frame that is refused changes nothing. */
export async function receiveMessage(
  from: SenderConnection,
  frame: string,
  { store, sender, limits }: MessageReceiverDependencies,
): Promise<MessageOutcome> {
  const parsed = parseClientMessage(frame, limits);
  if (!parsed.ok) return parsed;
  const { message } = parsed;

  switch (message.type) {
    case 'subscribe':
      await store.subscribe(from.connectionId, from.connectedAt, message.topics);
      return { ok: true, type: 'subscribe', topics: message.topics };
    case 'unsubscribe':
      await store.unsubscribe(from.connectionId, message.topics);
      return { ok: true, type: 'unsubscribe', topics: message.topics };
    case 'publish':
      return { ok: true, type: 'publish', report: await publish(message, store, sender, limits.fanOutConcurrency) };
    case 'ping':
      await sender.send(from.connectionId, JSON.stringify(pong));
      return { ok: true, type: 'ping' };
  }
}
