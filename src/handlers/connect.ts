import type { WebSocketEvent, WebSocketResult } from '../gateway/websocket-event.js';
import { dependencies } from './dependencies.js';
import { count, invocationLogger, metricNames, publishMetrics } from './observability.js';

/** `$connect`: remember the connection. Nothing else, so connecting stays one write. */
export async function handler(event: WebSocketEvent): Promise<WebSocketResult> {
  const { connectionId, requestId, connectedAt, identity } = event.requestContext;
  const log = invocationLogger({ connectionId, requestId });
  try {
    await dependencies().store.putConnection({
      connectionId,
      connectedAt,
      sourceIp: identity.sourceIp,
      ...(identity.userAgent ? { userAgent: identity.userAgent } : {}),
    });
    count(metricNames.connectionsOpened);
    log.debug('connected', { sourceIp: identity.sourceIp });
    return { statusCode: 200 };
  } catch (error) {
    count(metricNames.handlerErrors);
    log.error('could not store the connection', { error: error as Error });
    return { statusCode: 500 };
  } finally {
    publishMetrics();
  }
}
