import type { WebSocketEvent, WebSocketResult } from '../gateway/websocket-event.js';
import { dependencies } from './dependencies.js';
import { count, invocationLogger, metricNames, publishMetrics } from './observability.js';

/**
 * `$disconnect`: delete the connection item, one write whatever the connection subscribed
 * to. Its subscriptions are deleted by the cleanup function from the table's stream.
 */
export async function handler(event: WebSocketEvent): Promise<WebSocketResult> {
  const { connectionId, requestId, disconnectStatusCode, disconnectReason } = event.requestContext;
  const log = invocationLogger({ connectionId, requestId });
  try {
    await dependencies().store.deleteConnection(connectionId);
    count(metricNames.connectionsClosed);
    log.debug('disconnected', { disconnectStatusCode, disconnectReason });
    return { statusCode: 200 };
  } catch (error) {
    // The item still expires through TTL, and the TTL delete runs the same cleanup.
    count(metricNames.handlerErrors);
    log.error('could not delete the connection', { error: error as Error });
    return { statusCode: 500 };
  } finally {
    publishMetrics();
  }
}
