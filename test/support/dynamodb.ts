import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localAwsIdentity } from '../../src/config/aws-clients.js';

export { localAwsIdentity as localClientIdentity } from '../../src/config/aws-clients.js';

/** A client configuration for the run's DynamoDB Local (test/support/global-setup.ts). */
export function localDynamoDbConfig(): DynamoDBClientConfig {
  return { endpoint: inject('dynamodbEndpoint'), ...localAwsIdentity };
}
