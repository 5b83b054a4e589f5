import { ConfigurationError } from '../config/limits.js';
import type { Environment } from '../config/environment.js';

/** An AWS access key, as Lambda hands its execution role's session to a function (environment variables). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where and as whom requests to AWS are signed. */
export interface AwsIdentity {
  readonly region: string;
  readonly credentials: AwsCredentials;
}

/**
 * The region and credentials Lambda gives every function (AWS_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). They last as long as the execution environment,
 * which is why the SDK's default chain reads nothing else on Lambda either.
 */
export function awsIdentityFromEnvironment(env: Environment): AwsIdentity {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new ConfigurationError(`${name} is not set: Lambda sets it for every function; elsewhere set it to sign requests to AWS`);
    return value;
  };
  const sessionToken = env['AWS_SESSION_TOKEN'] || undefined;
  return {
    region: required('AWS_REGION'),
    credentials: {
      accessKeyId: required('AWS_ACCESS_KEY_ID'),
      secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
      ...(sessionToken ? { sessionToken } : {}),
    },
  };
}
