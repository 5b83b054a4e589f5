import { deliveryOf, type PublishMessage } from '../protocol/messages.js';
import type { Audience } from './audience.js';
import { forEachBounded } from './bounded.js';
import type { ConnectionSender } from './ports.js';

export interface PublishReport {
  readonly topic: string;
  /** Connections the publish was sent to. */
  readonly receivers: number;
  readonly delivered: number;
  /** Receivers API Gateway no longer knows (410); `writeAfterFanOut` deletes their subscription and connection. */
  readonly gone: readonly string[];
  readonly failed: readonly { readonly connectionId: string; readonly error: unknown }[];
}

/**
 * Sends a publish to its audience (see `audienceOf`) with `clients` set to the number of
 * subscribers, as y-webrtc's reference server does. One receiver's failure never stops the
 * others. It writes nothing (see publish-writes.ts).
 */
export async function publish(
  message: PublishMessage,
  audience: Audience,
  sender: ConnectionSender,
  concurrency: number,
): Promise<PublishReport> {
  const { receivers } = audience;
  const delivery = deliveryOf(message, audience.subscribers);
  let delivered = 0;
  const gone: string[] = [];
  const failed: { connectionId: string; error: unknown }[] = [];

  await forEachBounded(receivers, concurrency, async (connectionId) => {
    try {
      if ((await sender.send(connectionId, delivery)) === 'gone') gone.push(connectionId);
      else delivered++;
    } catch (error) {
      failed.push({ connectionId, error });
    }
  });
  return { topic: message.topic, receivers: receivers.length, delivered, gone, failed };
}
