import { ConfigurationError } from '../config/limits.js';

export const frameOrders = ['in-order', 'parallel'] as const;
export type FrameOrder = (typeof frameOrders)[number];

/** Settings of the local runtime only; the handlers' own settings live in src/config. */
export interface LocalSettings {
  /** WebSocket and HTTP port on 127.0.0.1. */
  readonly port: number;
  readonly tableName: string;
  /** An already running DynamoDB (Local) to use instead of starting the bundled one. */
  readonly dynamodbEndpoint: string | undefined;
  /** The emulated API Gateway idle timeout (10 min on AWS). */
  readonly idleTimeoutSeconds: number;
  /** Whether a connection's frames reach the message function in order, or overlapping as on AWS. */
  readonly frameOrder: FrameOrder;
}

export const defaultLocalSettings = {
  port: 4444,
  tableName: 'y-webrtc-signaling',
  idleTimeoutSeconds: 600,
  frameOrder: 'in-order',
} as const;

export function localSettings(env: NodeJS.ProcessEnv): LocalSettings {
  return {
    port: integer(env, 'PORT', defaultLocalSettings.port, 0),
    tableName: env['TABLE_NAME'] || defaultLocalSettings.tableName,
    dynamodbEndpoint: env['DYNAMODB_ENDPOINT'] || undefined,
    idleTimeoutSeconds: integer(env, 'IDLE_TIMEOUT_SECONDS', defaultLocalSettings.idleTimeoutSeconds, 1),
    frameOrder: frameOrder(env),
  };
}

function frameOrder(env: NodeJS.ProcessEnv): FrameOrder {
  const raw = env['FRAME_ORDER'] || defaultLocalSettings.frameOrder;
  if (!(frameOrders as readonly string[]).includes(raw)) {
    throw new ConfigurationError(`FRAME_ORDER must be ${frameOrders.join(' or ')}, got "${raw}"`);
  }
  return raw as FrameOrder;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigurationError(`${name} must be an integer of at least ${min}, got "${raw}"`);
  }
  return value;
}
