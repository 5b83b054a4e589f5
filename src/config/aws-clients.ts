import type { AwsCredentials, AwsIdentity } from '../aws/credentials.js';

/** Where the functions' AWS clients go, and as whom: locally, DynamoDB Local and the emulator accept any credentials. */
export interface AwsClientSettings extends AwsIdentity {
  /** DynamoDB Local's address; unset on AWS (the region's endpoint). */
  readonly dynamoDbEndpoint?: string;
}

/** DynamoDB Local and the emulator accept any credentials; requests are signed all the same. */
export const localAwsIdentity = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' } satisfies AwsCredentials,
} as const satisfies AwsIdentity;

/** The region and credentials part, for an SDK client's configuration (the local runtime's own clients). */
export function clientIdentity(aws: AwsIdentity): AwsIdentity {
  return { region: aws.region, credentials: aws.credentials };
}
