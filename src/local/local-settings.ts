import { randomInt } from 'node:crypto';
import { authConfigFromEnvironment, type AuthConfig } from '../auth/auth-config.js';
import { localAwsIdentity } from '../config/aws-clients.js';
import { awsIdentityFromEnvironment, type AwsIdentity } from '../aws/credentials.js';
import { choiceFromEnvironment } from '../config/choice.js';
import { defaultJoinOrder, joinOrderFromEnvironment, type JoinOrder } from '../config/join-order.js';
import { ConfigurationError, defaultLimits, limitsFromEnvironment, type Limits } from '../config/limits.js';
import { defaultSignalDelivery, signalDeliveryFromEnvironment, type SignalDelivery } from '../config/signal-delivery.js';
import { gatewayTimings, type GatewayTimingMode } from './gateway-timing.js';
import { localDeliveryFromEnvironment, type LocalDelivery } from './local-delivery.js';

/**
 * Everything the local runtime is configured by, in one object: `npm start` reads it from
 * the environment (`localSettings(process.env)`); tests and benches pass what they change
 * and get `defaultLocalSettings()` for the rest. Nothing below the entry points reads the
 * environment.
 */
export interface LocalSettings {
  /** WebSocket and HTTP port on 127.0.0.1. */
  readonly port: number;
  readonly tableName: string;
  /** An already running DynamoDB (Local) to use instead of starting the bundled one. */
  readonly dynamodbEndpoint: string | undefined;
  /** The emulated API Gateway idle timeout (10 min on AWS). */
  readonly idleTimeoutSeconds: number;
  /** When frames reach the functions: in order, overlapping, or overlapping with Lambda-like latency. */
  readonly gatewayTiming: GatewayTimingMode;
  /** Seed of the `aws` timing's random latency; random unless GATEWAY_TIMING_SEED is set. */
  readonly timingSeed: number;
  /** How long `npm start` warms DynamoDB Local up before it serves (0: not at all). */
  readonly warmUpSeconds: number;
  /**
   * What runs the functions: `bundles`, the bundles `cdk deploy` ships, each function in
   * execution environments of its own, configured by the synthesized template; or `sources`,
   * the TypeScript handlers in this process.
   */
  readonly functions: FunctionsMode;
  /** Bundles mode: execution environments per function at most; past it, invocations are throttled. */
  readonly concurrencyLimit: number;
  /**
   * Bundles mode: execution environments started per function before the runtime serves, as
   * Lambda's provisioned concurrency: the first clients meet them warm.
   */
  readonly provisionedConcurrency: number;
  /** Bundles mode: the folder of the functions' logs (`<function>.log`); none: kept in memory only. */
  readonly functionLogs: string | undefined;
  /** The handlers' limits (MAX_CONNECTION_SECONDS and the others of src/config/limits.ts). */
  readonly limits: Limits;
  /** JOIN_ORDER. */
  readonly joinOrder: JoinOrder;
  /** SIGNAL_DELIVERY. */
  readonly signalDelivery: SignalDelivery;
  /** The `$connect` authorizer's settings (AUTH_*); undefined: authorization off. */
  readonly auth: AuthConfig | undefined;
  /** How long the tokens live that the local server signs at GET /token (with AUTH_JWT_SECRET). LOCAL_TOKEN_SECONDS. */
  readonly localTokenSeconds: number;
  /** `coturn`: start a coturn on loopback and serve ICE servers with its credentials at GET /ice-servers. LOCAL_TURN. */
  readonly turn: LocalTurn;
  /** The local coturn's shared secret (LOCAL_TURN_SECRET); random at each start when unset. Tests set it to forge credentials. */
  readonly turnSecret: string | undefined;
  /**
   * Sources mode: how the handlers deliver to connections: `in-process` calls the emulator;
   * `management-api` posts through the functions' management API client over HTTP, as on AWS
   * (the tests that inject faults into that client use it). LOCAL_DELIVERY.
   */
  readonly delivery: LocalDelivery;
  /** The AWS clients' region and credentials: any do locally, unless the environment has some (AWS_REGION, AWS_ACCESS_KEY_ID). */
  readonly aws: AwsIdentity;
}

export const functionsModes = ['bundles', 'sources'] as const;
export const localTurnChoices = ['off', 'coturn'] as const;
export type LocalTurn = (typeof localTurnChoices)[number];
export type FunctionsMode = (typeof functionsModes)[number];

/** The settings when nothing is set, with a fresh random timing seed. */
export function defaultLocalSettings(): LocalSettings {
  return {
    ...localDefaults,
    dynamodbEndpoint: undefined,
    timingSeed: randomInt(2 ** 31),
    functionLogs: undefined,
    limits: defaultLimits,
    joinOrder: defaultJoinOrder,
    signalDelivery: defaultSignalDelivery,
    auth: undefined,
    turnSecret: undefined,
    delivery: 'in-process',
    aws: localAwsIdentity,
  };
}

export const localDefaults = {
  port: 4444,
  tableName: 'y-webrtc-signaling',
  idleTimeoutSeconds: 600,
  gatewayTiming: 'in-order',
  warmUpSeconds: 5,
  functions: 'sources',
  concurrencyLimit: 50,
  provisionedConcurrency: 0,
  localTokenSeconds: 900,
  turn: 'off',
} as const satisfies Partial<LocalSettings>;

export function localSettings(env: NodeJS.ProcessEnv): LocalSettings {
  return {
    port: integer(env, 'PORT', localDefaults.port, 0, 65_535),
    tableName: env['TABLE_NAME'] || localDefaults.tableName,
    dynamodbEndpoint: env['DYNAMODB_ENDPOINT'] || undefined,
    idleTimeoutSeconds: integer(env, 'IDLE_TIMEOUT_SECONDS', localDefaults.idleTimeoutSeconds, 1),
    gatewayTiming: gatewayTiming(env),
    timingSeed: integer(env, 'GATEWAY_TIMING_SEED', randomInt(2 ** 31), 0),
    warmUpSeconds: integer(env, 'WARM_UP_SECONDS', localDefaults.warmUpSeconds, 0, 60),
    functions: choiceFromEnvironment(env, 'LOCAL_FUNCTIONS', functionsModes, localDefaults.functions),
    concurrencyLimit: integer(env, 'LAMBDA_CONCURRENCY', localDefaults.concurrencyLimit, 1, 1_000),
    provisionedConcurrency: integer(env, 'LAMBDA_PROVISIONED_CONCURRENCY', localDefaults.provisionedConcurrency, 0, 1_000),
    functionLogs: env['FUNCTION_LOGS'] || undefined,
    limits: limitsFromEnvironment(env),
    joinOrder: joinOrderFromEnvironment(env),
    signalDelivery: signalDeliveryFromEnvironment(env),
    auth: authConfigFromEnvironment(env),
    localTokenSeconds: integer(env, 'LOCAL_TOKEN_SECONDS', localDefaults.localTokenSeconds, 1),
    turn: choiceFromEnvironment(env, 'LOCAL_TURN', localTurnChoices, localDefaults.turn),
    turnSecret: env['LOCAL_TURN_SECRET'] || undefined,
    delivery: localDeliveryFromEnvironment(env),
    aws: {
      region: env['AWS_REGION'] || localAwsIdentity.region,
      credentials: env['AWS_ACCESS_KEY_ID'] ? awsIdentityFromEnvironment({ AWS_REGION: 'any', ...env }).credentials : localAwsIdentity.credentials,
    },
  };
}

function gatewayTiming(env: NodeJS.ProcessEnv): GatewayTimingMode {
  if (env['FRAME_ORDER']) {
    throw new ConfigurationError('FRAME_ORDER is replaced by GATEWAY_TIMING (in-order, parallel or aws)');
  }
  const raw = env['GATEWAY_TIMING'] || localDefaults.gatewayTiming;
  if (!(gatewayTimings as readonly string[]).includes(raw)) {
    throw new ConfigurationError(`GATEWAY_TIMING must be ${gatewayTimings.join(', ')}, got "${raw}"`);
  }
  return raw as GatewayTimingMode;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigurationError(`${name} must be an integer ${range}, got "${raw}"`);
  }
  return value;
}

/** The variables `npm start` reads, its own and the handlers', each checked on its own. */
export const localEnvironmentVariables = ['PORT', 'TABLE_NAME', 'DYNAMODB_ENDPOINT', 'IDLE_TIMEOUT_SECONDS', 'GATEWAY_TIMING', 'GATEWAY_TIMING_SEED', 'FRAME_ORDER', 'WARM_UP_SECONDS', 'LOCAL_FUNCTIONS', 'LAMBDA_CONCURRENCY', 'LAMBDA_PROVISIONED_CONCURRENCY', 'FUNCTION_LOGS', 'LOCAL_TOKEN_SECONDS', 'LOCAL_TURN', 'LOCAL_TURN_SECRET'] as const;
