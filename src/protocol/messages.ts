/**
 * The y-webrtc signaling wire protocol (y-webrtc 10.x, `bin/server.js`).
 * Clients send JSON text frames; the server answers pings and fans publishes out.
 */
export interface SubscribeMessage {
  readonly type: 'subscribe';
  readonly topics: readonly string[];
}

export interface UnsubscribeMessage {
  readonly type: 'unsubscribe';
  readonly topics: readonly string[];
}

/** A publish keeps every field the client sent: the server passes unknown fields through. */
export interface PublishMessage {
  readonly type: 'publish';
  readonly topic: string;
  readonly [field: string]: unknown;
}

export interface PingMessage {
  readonly type: 'ping';
}

export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PublishMessage | PingMessage;

export const pong = { type: 'pong' } as const;

/** What a subscriber receives: the publish as sent, plus the number of receivers. */
export function deliveryOf(message: PublishMessage, receiverCount: number): string {
  return JSON.stringify({ ...message, clients: receiverCount });
}
