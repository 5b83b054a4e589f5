import { randomInt } from 'node:crypto';
import { ConfigurationError } from '../config/limits.js';
import { gatewayTimings, type GatewayTimingMode } from './gateway-timing.js';

/** Settings of the local runtime only; the handlers' own settings live in src/config. */
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
  /** Bundles mode: the folder of the functions' logs (`<function>.log`); none: kept in memory only. */
  readonly functionLogs: string | undefined;
}

export const functionsModes = ['bundles', 'sources'] as const;
export type FunctionsMode = (typeof functionsModes)[number];

export const defaultLocalSettings = {
  port: 4444,
  tableName: 'y-webrtc-signaling',
  idleTimeoutSeconds: 600,
  gatewayTiming: 'in-order',
  warmUpSeconds: 5,
  functions: 'sources',
  concurrencyLimit: 50,
} as const satisfies Partial<LocalSettings>;

export function localSettings(env: NodeJS.ProcessEnv): LocalSettings {
  return {
    port: integer(env, 'PORT', defaultLocalSettings.port, 0, 65_535),
    tableName: env['TABLE_NAME'] || defaultLocalSettings.tableName,
    dynamodbEndpoint: env['DYNAMODB_ENDPOINT'] || undefined,
    idleTimeoutSeconds: integer(env, 'IDLE_TIMEOUT_SECONDS', defaultLocalSettings.idleTimeoutSeconds, 1),
    gatewayTiming: gatewayTiming(env),
    timingSeed: integer(env, 'GATEWAY_TIMING_SEED', randomInt(2 ** 31), 0),
    warmUpSeconds: integer(env, 'WARM_UP_SECONDS', defaultLocalSettings.warmUpSeconds, 0, 60),
    functions: choice(env, 'LOCAL_FUNCTIONS', functionsModes, defaultLocalSettings.functions),
    concurrencyLimit: integer(env, 'LAMBDA_CONCURRENCY', defaultLocalSettings.concurrencyLimit, 1, 1_000),
    functionLogs: env['FUNCTION_LOGS'] || undefined,
  };
}

function gatewayTiming(env: NodeJS.ProcessEnv): GatewayTimingMode {
  if (env['FRAME_ORDER']) {
    throw new ConfigurationError('FRAME_ORDER is replaced by GATEWAY_TIMING (in-order, parallel or aws)');
  }
  const raw = env['GATEWAY_TIMING'] || defaultLocalSettings.gatewayTiming;
  if (!(gatewayTimings as readonly string[]).includes(raw)) {
    throw new ConfigurationError(`GATEWAY_TIMING must be ${gatewayTimings.join(', ')}, got "${raw}"`);
  }
  return raw as GatewayTimingMode;
}

function choice<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name] || fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigurationError(`${name} must be ${choices.join(' or ')}, got "${raw}"`);
  return raw as T;
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
export const localEnvironmentVariables = ['PORT', 'TABLE_NAME', 'DYNAMODB_ENDPOINT', 'IDLE_TIMEOUT_SECONDS', 'GATEWAY_TIMING', 'GATEWAY_TIMING_SEED', 'FRAME_ORDER', 'WARM_UP_SECONDS', 'LOCAL_FUNCTIONS', 'LAMBDA_CONCURRENCY', 'FUNCTION_LOGS'] as const;
