import { ConfigurationError, limitsFromEnvironment, type Limits } from '../config/limits.js';
import type { AwsClientSettings } from '../config/aws-clients.js';
import { awsIdentityFromEnvironment } from '../aws/credentials.js';
import type { Environment } from '../config/environment.js';
import { joinOrderFromEnvironment, type JoinOrder } from '../config/join-order.js';
import { signalDeliveryFromEnvironment, type SignalDelivery } from '../config/signal-delivery.js';

/** What the signaling functions need to know; on Lambda it comes from the environment the construct sets. */
export interface HandlerSettings {
  readonly tableName: string;
  readonly limits: Limits;
  readonly joinOrder: JoinOrder;
  readonly signalDelivery: SignalDelivery;
  /** Region, credentials and, locally, DynamoDB Local's address. */
  readonly aws: AwsClientSettings;
  /** Every post to a connection goes here instead of the API of the event (the local emulator). */
  readonly connectionsEndpoint?: string;
}

export function handlerSettingsFromEnvironment(env: Environment): HandlerSettings {
  const tableName = env['TABLE_NAME'];
  if (!tableName) throw new ConfigurationError('TABLE_NAME is not set: the name of the DynamoDB table to use');
  const dynamoDbEndpoint = env['DYNAMODB_ENDPOINT'] || undefined;
  const connectionsEndpoint = env['CONNECTIONS_ENDPOINT'] || undefined;
  return {
    tableName,
    limits: limitsFromEnvironment(env),
    joinOrder: joinOrderFromEnvironment(env),
    signalDelivery: signalDeliveryFromEnvironment(env),
    aws: { ...awsIdentityFromEnvironment(env), ...(dynamoDbEndpoint ? { dynamoDbEndpoint } : {}) },
    ...(connectionsEndpoint ? { connectionsEndpoint } : {}),
  };
}
