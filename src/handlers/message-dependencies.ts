import type { ManagementApi } from '../aws/management-api.js';
import { ApiGatewaySender, createManagementClient } from '../gateway/api-gateway-sender.js';
import type { SignalDelivery } from '../config/signal-delivery.js';
import type { ConnectionSender } from '../signaling/ports.js';
import { PublishRateLimiter } from '../signaling/publish-rate-limiter.js';
import { tableDependencies, type TableDependencies } from './table-dependencies.js';
import type { HandlerSettings } from './handler-settings.js';

/** What the message function uses: the table, the publish rate limit, and the management API to send. */
export interface MessageDependencies extends TableDependencies {
  readonly publishLimiter: PublishRateLimiter;
  readonly signalDelivery: SignalDelivery;
  /** The sender for the management API at `endpoint` (the event's API), unless the settings fix one. */
  senderFor(endpoint: string): ConnectionSender;
  /** The management API client behind each endpoint's sender, made on first use. */
  managementClientFor(endpoint: string): ManagementApi;
}

/**
 * @param fixedSender when given, every delivery goes through it instead of the management API
 *   (the local runtime's in-process delivery).
 */
export function messageDependencies(
  settings: HandlerSettings,
  table: TableDependencies = tableDependencies(settings),
  fixedSender?: ConnectionSender,
): MessageDependencies {
  const { limits, aws, connectionsEndpoint } = settings;
  const clients = new Map<string, ManagementApi>();
  const senders = new Map<string, ConnectionSender>();
  const managementClientFor = (endpoint: string): ManagementApi => {
    const target = connectionsEndpoint ?? endpoint;
    let client = clients.get(target);
    if (!client) {
      client = createManagementClient(target, limits, aws);
      clients.set(target, client);
    }
    return client;
  };
  return {
    ...table,
    publishLimiter: new PublishRateLimiter(limits.publishesPerSecond, limits.publishBurst),
    signalDelivery: settings.signalDelivery,
    managementClientFor,
    senderFor(endpoint) {
      if (fixedSender) return fixedSender;
      const target = connectionsEndpoint ?? endpoint;
      let sender = senders.get(target);
      if (!sender) {
        sender = new ApiGatewaySender(managementClientFor(target), limits);
        senders.set(target, sender);
      }
      return sender;
    },
  };
}
