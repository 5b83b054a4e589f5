import { managementEndpointOf, type WebSocketEvent, type WebSocketResult } from '../gateway/websocket-event.js';
import { scopeFromContext, type RoomScope } from '../signaling/room-scope.js';
import { reject } from '../protocol/rejection.js';
import { receiveMessage, type MessageOutcome } from '../signaling/message-receiver.js';
import type { MessageDependencies } from './message-dependencies.js';
import { count, countRejection, invocationLogger, metricNames } from './observability.js';
import { routeResult } from './route-result.js';
import type { Logger } from '@aws-lambda-powertools/logger';

/** `$default`, `subscribe`, `unsubscribe` and `publish`: one client frame each. */
export function messageHandler(dependencies: MessageDependencies) {
  const { store, limits, senderFor, publishLimiter, joinOrder, signalDelivery } = dependencies;
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const { connectionId, requestId, connectedAt, requestTimeEpoch } = event.requestContext;
    const log = invocationLogger({ connectionId, requestId });
    return routeResult(log, 'could not handle the message', async () => {
      const frame = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
      const sender = senderFor(managementEndpointOf(event.requestContext));
      const scope = scopeOf(event);
      const outcome = scope
        ? await receiveMessage({ connectionId, connectedAt, receivedAt: requestTimeEpoch, scope }, frame, { store, sender, limits, publishLimiter, joinOrder, signalDelivery })
        : reject('forbidden-topic', 'the authorizer context is unreadable');
      record(outcome, log);
    });
  };
}

/** The rooms the authorizer allowed; undefined when its context cannot be read (refuse, never widen). */
function scopeOf(event: WebSocketEvent): RoomScope | undefined {
  try {
    return scopeFromContext(event.requestContext.authorizer?.['rooms']);
  } catch {
    return undefined;
  }
}

function record(outcome: MessageOutcome, log: Logger): void {
  if (!outcome.ok) {
    countRejection(outcome.reason);
    log.warn('message rejected', { reason: outcome.reason, detail: outcome.detail });
    return;
  }
  switch (outcome.type) {
    case 'subscribe':
      count(metricNames.subscribes);
      count(metricNames.subscribedTopics, outcome.topics.length);
      if (outcome.unplaced.length > 0) {
        log.warn('subscribed, but the join order could not be written; the announce will place it', { topics: outcome.unplaced });
      }
      break;
    case 'unsubscribe':
      count(metricNames.unsubscribes);
      break;
    case 'ping':
      count(metricNames.pings);
      break;
    case 'publish': {
      const { report } = outcome;
      count(metricNames.publishes);
      count(metricNames.receiversPerPublish, report.receivers);
      count(metricNames.deliveries, report.delivered);
      if (report.gone.length > 0) {
        count(metricNames.staleReceivers, report.gone.length);
        log.info('stale receivers removed', { topic: report.topic, gone: report.gone });
      }
      for (const failure of report.failed) {
        count(metricNames.deliveryFailures);
        log.error('delivery failed', { receiver: failure.connectionId, error: failure.error as Error });
      }
      if (outcome.addressees > 0) count(metricNames.directedSignals);
      if (outcome.addressees > 1) {
        count(metricNames.sharedPeerIds);
        log.warn('a signal went to several connections that sign with the same peer id', { topic: report.topic, connections: outcome.addressees });
      }
      for (const error of outcome.failedWrites) {
        log.warn('a write after the fan-out failed; TTL and the cleanup remove what it left', { topic: report.topic, error: error as Error });
      }
      if (outcome.unrecordedPeerId !== undefined) {
        log.warn("the sender's peer id could not be recorded; signals to it reach the whole room", { error: outcome.unrecordedPeerId as Error });
      }
      break;
    }
  }
}
