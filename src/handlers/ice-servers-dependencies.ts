import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoSignalingClient } from '@aws-sdk/client-kinesis-video-signaling';
import { authConfigFromEnvironment } from '../auth/auth-config.js';
import { cachedSecretReader } from '../auth/cached-secret.js';
import { currentAuthorizer } from '../auth/current-authorizer.js';
import { secretKeyReader } from '../auth/secret-key.js';
import { iceServersConfigFromEnvironment } from '../config/ice-servers.js';
import { ConfigurationError } from '../config/limits.js';
import { CallerRateLimit } from '../store/caller-rate-limit.js';
import { kinesisVideoSource } from '../turn/kinesis-video-source.js';
import { sharedSecretSource } from '../turn/shared-secret-source.js';
import type { IceServerSource } from '../turn/ice-servers.js';
import { handlerSettingsFromEnvironment } from './handler-settings.js';
import { dynamoDbClient } from './table-dependencies.js';
import type { IceServersDependencies } from './ice-servers.js';
import { count, countIceServersOutcome, logger, metricNames } from './observability.js';

/** The ICE servers function as the construct configures it: its source, the `$connect` checks, the rate limit. */
export function iceServersDependencies(env: NodeJS.ProcessEnv): IceServersDependencies {
  const config = iceServersConfigFromEnvironment(env);
  // The table that counts requests per caller, as the other functions read it.
  const { tableName, aws } = handlerSettingsFromEnvironment(env);
  const staleSecret = (what: string) => (error: unknown) => {
    count(metricNames.handlerErrors);
    logger.error(`could not read ${what} again; the previous one stays in use`, { error: error as Error });
  };

  const auth = authConfigFromEnvironment(env);
  const inUse = auth ? currentAuthorizer(auth, auth.secretId ? secretKeyReader(auth.secretId, staleSecret('the token key')) : undefined) : undefined;
  return {
    authorizer: inUse ? { authorize: async (request) => (await inUse()).authorize(request) } : undefined,
    source: sourceOf(config, env, staleSecret),
    rateLimit: new CallerRateLimit(dynamoDbClient(aws), tableName, { requests: config.requestsPerWindow, windowSeconds: config.windowSeconds }),
    retryAfterSeconds: config.windowSeconds,
    onOutcome: countIceServersOutcome,
    onUnavailable: (error) => logger.error('the credential source gave no ICE servers', { error: error as Error }),
  };
}

function sourceOf(
  config: ReturnType<typeof iceServersConfigFromEnvironment>,
  env: NodeJS.ProcessEnv,
  staleSecret: (what: string) => (error: unknown) => void,
): IceServerSource {
  if (config.source === 'kinesis-video') {
    const region = env['AWS_REGION'];
    if (!region) throw new ConfigurationError('AWS_REGION is not set (Lambda sets it): the region of the signaling channels');
    const signalingClients = new Map<string, KinesisVideoSignalingClient>();
    return kinesisVideoSource({
      channelArns: config.channelArns,
      region,
      kinesisVideo: new KinesisVideoClient({}),
      signalingClient: (endpoint) => {
        let client = signalingClients.get(endpoint);
        if (!client) signalingClients.set(endpoint, (client = new KinesisVideoSignalingClient({ endpoint })));
        return client;
      },
    });
  }
  return sharedSecretSource({
    turnUrls: config.turnUrls,
    stunUrls: config.stunUrls,
    secret: cachedSecretReader(config.turnSecretId, {
      purpose: "the TURN server's shared secret",
      onStale: staleSecret("the TURN server's shared secret"),
    }),
    ttlSeconds: config.credentialTtlSeconds,
  });
}
