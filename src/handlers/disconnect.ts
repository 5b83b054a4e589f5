import type { WebSocketEvent, WebSocketResult } from '../gateway/websocket-event.js';
import type { TableDependencies } from './table-dependencies.js';
import { count, invocationLogger, metricNames } from './observability.js';
import { routeResult } from './route-result.js';

/**
 * `$disconnect`: delete the connection item, one write whatever the connection subscribed
 * to. Its subscriptions are deleted by the cleanup function from the table's stream. If the
 * delete fails, the item still expires through TTL, and the TTL delete runs the same cleanup.
 */
export function disconnectHandler({ store }: Pick<TableDependencies, 'store'>) {
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const { connectionId, requestId, disconnectStatusCode, disconnectReason } = event.requestContext;
    const log = invocationLogger({ connectionId, requestId });
    return routeResult(log, 'could not delete the connection', async () => {
      await store.deleteConnection(connectionId);
      count(metricNames.connectionsClosed);
      log.debug('disconnected', { disconnectStatusCode, disconnectReason });
    });
  };
}
