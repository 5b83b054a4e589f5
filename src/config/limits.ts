import type { Environment } from './environment.js';
/**
 * Every limit the server enforces, with its default and the environment variable that
 * overrides it. This is the only place a limit is defined; docs/configuration.md lists them.
 */
export interface Limits {
  /** Largest accepted incoming message, in UTF-8 bytes. API Gateway's own frame limit is 32 KB. */
  readonly maxMessageBytes: number;
  /** Deepest nesting of arrays and objects in a message; y-webrtc's own go 5 deep. */
  readonly maxNestingDepth: number;
  /** Longest topic (room name), in UTF-8 bytes. DynamoDB allows 1024 bytes in a sort key. */
  readonly maxTopicBytes: number;
  /** Most topics in one subscribe or unsubscribe message. */
  readonly maxTopicsPerMessage: number;
  /** Most topics one connection may be subscribed to; checked with one count Query per subscribe. */
  readonly maxTopicsPerConnection: number;
  /** Publishes one connection may send per second, on average, before it is refused (per function container). */
  readonly publishesPerSecond: number;
  /** Publishes one connection may send at once, above the rate: a join signals to every peer in the room. */
  readonly publishBurst: number;
  /** Most sends in flight at once during one publish fan-out. */
  readonly fanOutConcurrency: number;
  /** Attempts per receiver when API Gateway answers LimitExceededException (429). */
  readonly sendAttempts: number;
  /** Attempts for a BatchWriteItem whose items keep coming back unprocessed. */
  readonly batchWriteAttempts: number;
  /** API Gateway's maximum connection duration, in seconds (2 h on AWS). */
  readonly maxConnectionSeconds: number;
  /** Extra seconds an item lives after the connection's latest possible end. */
  readonly expiryGraceSeconds: number;
}

export const defaultLimits: Limits = {
  maxMessageBytes: 32 * 1024,
  maxNestingDepth: 32,
  maxTopicBytes: 512,
  maxTopicsPerMessage: 32,
  maxTopicsPerConnection: 64,
  publishesPerSecond: 50,
  publishBurst: 200,
  fanOutConcurrency: 32,
  sendAttempts: 4,
  batchWriteAttempts: 8,
  maxConnectionSeconds: 2 * 60 * 60,
  expiryGraceSeconds: 10 * 60,
};

/** The environment variable for each limit. */
export const limitEnvironmentVariables: Record<keyof Limits, string> = {
  maxMessageBytes: 'MAX_MESSAGE_BYTES',
  maxNestingDepth: 'MAX_NESTING_DEPTH',
  maxTopicBytes: 'MAX_TOPIC_BYTES',
  maxTopicsPerMessage: 'MAX_TOPICS_PER_MESSAGE',
  maxTopicsPerConnection: 'MAX_TOPICS_PER_CONNECTION',
  publishesPerSecond: 'PUBLISHES_PER_SECOND',
  publishBurst: 'PUBLISH_BURST',
  fanOutConcurrency: 'FAN_OUT_CONCURRENCY',
  sendAttempts: 'SEND_ATTEMPTS',
  batchWriteAttempts: 'BATCH_WRITE_ATTEMPTS',
  maxConnectionSeconds: 'MAX_CONNECTION_SECONDS',
  expiryGraceSeconds: 'EXPIRY_GRACE_SECONDS',
};

/** Sort-key room left for a topic once the key prefix is added; see `keyPrefix` in src/store/entities.ts (`t#`). */
const sortKeyLimitBytes = 1024;
const topicKeyPrefixBytes = 2;

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function limitsFromEnvironment(env: Environment): Limits {
  const limits = { ...defaultLimits };
  for (const key of Object.keys(limitEnvironmentVariables) as (keyof Limits)[]) {
    const name = limitEnvironmentVariables[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw new ConfigurationError(`${name} must be a positive integer, got "${raw}"`);
    }
    limits[key] = value;
  }
  if (limits.maxTopicBytes > sortKeyLimitBytes - topicKeyPrefixBytes) {
    throw new ConfigurationError(
      `MAX_TOPIC_BYTES must be at most ${sortKeyLimitBytes - topicKeyPrefixBytes} (DynamoDB sort-key limit), got ${limits.maxTopicBytes}`,
    );
  }
  return limits;
}
