/** Where the SDK clients go instead of AWS, and as whom: locally, DynamoDB Local and the emulator accept any credentials. */
export interface AwsClientSettings {
  readonly dynamoDbEndpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** DynamoDB Local and the emulator accept any credentials; the SDK insists on some. */
export const localAwsIdentity = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const satisfies AwsClientSettings;

/** The region and credentials part, for any SDK client's configuration. */
export function clientIdentity(aws: AwsClientSettings | undefined): Pick<AwsClientSettings, 'region' | 'credentials'> {
  return {
    ...(aws?.region ? { region: aws.region } : {}),
    ...(aws?.credentials ? { credentials: aws.credentials } : {}),
  };
}
