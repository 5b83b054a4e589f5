import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';

/** DynamoDB Local accepts any credentials; the SDK insists on some. */
export const localClientIdentity = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** A client configuration for the run's DynamoDB Local (test/support/global-setup.ts). */
export function localDynamoDbConfig(): DynamoDBClientConfig {
  return { endpoint: inject('dynamodbEndpoint'), ...localClientIdentity };
}
