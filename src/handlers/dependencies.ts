import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { limitsFromEnvironment, ConfigurationError, type Limits } from '../config/limits.js';
import { joinOrderFromEnvironment } from '../config/join-order.js';
import { ApiGatewaySender, createManagementClient } from '../gateway/api-gateway-sender.js';
import type { ConnectionSender, JoinOrderStore, SubscriptionStore } from '../signaling/ports.js';
import { PublishRateLimiter } from '../signaling/publish-rate-limiter.js';
import { DynamoJoinOrder } from '../store/dynamo-join-order.js';
import { DynamoSubscriptionStore } from '../store/dynamo-subscription-store.js';
import { createSignalingService } from '../store/entities.js';

/**
 * What the handlers share within one Lambda container: configuration and SDK clients,
 * made on first use (not at import) so a missing setting fails the invocation with a clear
 * message instead of the module load.
 */
export interface Dependencies {
  readonly limits: Limits;
  readonly dynamoDb: DynamoDBClient;
  readonly store: SubscriptionStore;
  /** The rooms' join order, with JOIN_ORDER=room (the default); undefined with `arrival`. */
  readonly joinOrder: JoinOrderStore | undefined;
  readonly publishLimiter: PublishRateLimiter;
  /** The sender for the management API at `endpoint`, unless CONNECTIONS_ENDPOINT overrides it. */
  senderFor(endpoint: string): ConnectionSender;
}

let current: Dependencies | undefined;

export function dependencies(): Dependencies {
  current ??= createDependencies(process.env);
  return current;
}

export function createDependencies(env: NodeJS.ProcessEnv): Dependencies {
  const tableName = env['TABLE_NAME'];
  if (!tableName) throw new ConfigurationError('TABLE_NAME is not set: the name of the DynamoDB table to use');
  const limits = limitsFromEnvironment(env);
  const joinOrder = joinOrderFromEnvironment(env);
  const dynamoDb = new DynamoDBClient(env['DYNAMODB_ENDPOINT'] ? { endpoint: env['DYNAMODB_ENDPOINT'] } : {});
  const documents = DynamoDBDocumentClient.from(dynamoDb);
  const store = new DynamoSubscriptionStore(createSignalingService(documents, tableName), limits);
  const senders = new Map<string, ConnectionSender>();
  const fixedEndpoint = env['CONNECTIONS_ENDPOINT'];
  return {
    limits,
    dynamoDb,
    store,
    joinOrder: joinOrder === 'room' ? new DynamoJoinOrder(documents, tableName, limits) : undefined,
    publishLimiter: new PublishRateLimiter(limits.publishesPerSecond, limits.publishBurst),
    senderFor(endpoint) {
      const target = fixedEndpoint || endpoint;
      let sender = senders.get(target);
      if (!sender) {
        sender = new ApiGatewaySender(createManagementClient(target, limits), limits);
        senders.set(target, sender);
      }
      return sender;
    },
  };
}
