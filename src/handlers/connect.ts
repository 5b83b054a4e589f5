import type { WebSocketEvent, WebSocketResult } from '../gateway/websocket-event.js';
import type { TableDependencies } from './table-dependencies.js';
import { count, invocationLogger, metricNames } from './observability.js';
import { routeResult } from './route-result.js';

/** `$connect`: remember the connection. Nothing else, so connecting stays one write. */
export function connectHandler({ store }: Pick<TableDependencies, 'store'>) {
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const { connectionId, requestId, connectedAt, identity, authorizer } = event.requestContext;
    const log = invocationLogger({ connectionId, requestId });
    const principalId = typeof authorizer?.['principalId'] === 'string' ? authorizer['principalId'] : undefined;
    return routeResult(log, 'could not store the connection', async () => {
      await store.putConnection({
        connectionId,
        connectedAt,
        sourceIp: identity.sourceIp,
        ...(identity.userAgent ? { userAgent: identity.userAgent } : {}),
        ...(principalId ? { principalId } : {}),
      });
      count(metricNames.connectionsOpened);
      log.debug('connected', { sourceIp: identity.sourceIp, ...(principalId ? { principalId } : {}) });
    });
  };
}
