import type { Logger } from '@aws-lambda-powertools/logger';
import type { WebSocketResult } from '../gateway/websocket-event.js';
import { count, metricNames, publishMetrics } from './observability.js';

/**
 * Runs the work of one WebSocket route invocation and answers API Gateway: 200 when it is
 * done, 500 when it failed. A failure is logged as `failure` with its error and counted in
 * HandlerErrors (the alarm), not thrown, so Lambda does not count it a second time as an
 * Errors of the function. The invocation's metrics are published either way.
 */
export async function routeResult(log: Logger, failure: string, work: () => Promise<void>): Promise<WebSocketResult> {
  try {
    await work();
    return { statusCode: 200 };
  } catch (error) {
    count(metricNames.handlerErrors);
    log.error(failure, { error: error as Error });
    return { statusCode: 500 };
  } finally {
    publishMetrics();
  }
}
