import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { authConfigFromEnvironment, checksTokens } from '../auth/auth-config.js';
import { joinOrderEnvironmentVariable, joinOrderFromEnvironment, type JoinOrder } from '../config/join-order.js';
import { ConfigurationError, limitsFromEnvironment } from '../config/limits.js';
import { demoSite, type DemoSite } from '../demo/demo-site.js';
import { connectionRemovedFilterPattern } from '../store/table.js';
import { ensureTable } from './create-table.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from './dynamodb-local.js';
import { GatewayEmulator, type EmulatedConnectionInfo, type GatewayEmulatorOptions } from './gateway-emulator.js';
import { invocationTiming, type InvocationTiming } from './gateway-timing.js';
import { localSettings, type LocalSettings } from './local-settings.js';
import { StreamPoller } from './stream-poller.js';

export interface LocalRuntimeOptions {
  /** Overrides what is read from the environment (see docs/configuration.md). */
  readonly settings?: Partial<LocalSettings>;
  /** Tests use this to play a `$disconnect` that API Gateway never delivers. */
  readonly deliverDisconnect?: (connection: EmulatedConnectionInfo) => boolean;
  /** Sets JOIN_ORDER for the handlers; without it, JOIN_ORDER from the environment (default `room`). */
  readonly joinOrder?: JoinOrder;
  /** Benchmarks use this to time each function invocation. */
  readonly onInvoked?: GatewayEmulatorOptions['onInvoked'];
}

export interface LocalRuntime {
  readonly url: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly gateway: GatewayEmulator;
  readonly poller: StreamPoller;
  /** A client of the runtime's DynamoDB, for inspecting the table. */
  readonly dynamoDb: DynamoDBClient;
  /** Whether connections go through the `$connect` authorizer (any AUTH_* variable set). */
  readonly authorization: 'off' | 'tokens' | 'origins';
  /** When frames reach the handlers (GATEWAY_TIMING), with the seed of its random latency. */
  readonly timing: InvocationTiming;
  readonly joinOrder: JoinOrder;
  /** The demo page served at `/` to browsers (src/demo), bundled on first request or `build()`. */
  readonly demo: DemoSite;
  stop(): Promise<void>;
}

/**
 * Everything `npm start` runs: DynamoDB Local (unless DYNAMODB_ENDPOINT names one), the
 * table, the API Gateway emulator and the stream poller, all calling the same handler
 * modules that are deployed to Lambda. One runtime per process: the handlers read their
 * configuration from the environment, which this sets before loading them.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const settings = { ...localSettings(process.env), ...options.settings };
  const stack: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stack.reverse()) await step().catch(() => undefined);
    stack.length = 0;
  };

  try {
    let database: RunningDynamoDbLocal | undefined;
    if (!settings.dynamodbEndpoint) {
      database = await startDynamoDbLocal();
      stack.push(() => database!.stop());
    }
    const dynamodbEndpoint = settings.dynamodbEndpoint ?? database!.endpoint;
    setHandlerEnvironment(settings, dynamodbEndpoint);
    if (options.joinOrder) process.env[joinOrderEnvironmentVariable] = options.joinOrder;
    const limits = limitsFromEnvironment(process.env);
    const joinOrder = joinOrderFromEnvironment(process.env);

    const dynamoDb = new DynamoDBClient({ endpoint: dynamodbEndpoint });
    stack.push(async () => dynamoDb.destroy());
    const streamArn = await ensureTable(dynamoDb, settings.tableName).catch((error: unknown) => {
      throw settings.dynamodbEndpoint && isUnreachable(error)
        ? new ConfigurationError(
            `cannot reach DynamoDB at ${dynamodbEndpoint} (DYNAMODB_ENDPOINT): ${(error as NodeJS.ErrnoException).code}. ` +
              'Start it there, or unset DYNAMODB_ENDPOINT to use the bundled DynamoDB Local.',
          )
        : error;
    });

    const [connect, message, disconnect, cleanup] = await Promise.all([
      import('../handlers/connect.js'),
      import('../handlers/message.js'),
      import('../handlers/disconnect.js'),
      import('../handlers/cleanup.js'),
    ]);
    // Read now, so a bad AUTH_* setting stops the start instead of every connection.
    const auth = authConfigFromEnvironment(process.env);
    const authorizer = auth ? (await import('../handlers/authorizer.js')).handler : undefined;

    const demo = demoSite();
    const timing = invocationTiming(settings.gatewayTiming, settings.timingSeed);
    const gateway: GatewayEmulator = new GatewayEmulator({
      port: settings.port,
      functions: { connect: connect.handler, message: message.handler, disconnect: disconnect.handler },
      ...(authorizer ? { authorizer } : {}),
      idleTimeoutSeconds: settings.idleTimeoutSeconds,
      timing,
      maxConnectionSeconds: limits.maxConnectionSeconds,
      ...(options.deliverDisconnect ? { deliverDisconnect: options.deliverDisconnect } : {}),
      ...(options.onInvoked ? { onInvoked: options.onInvoked } : {}),
      statusText: (): string =>
        `y-webrtc signaling (local): ${gateway.connectionCount} connections, table ${settings.tableName} on ${dynamodbEndpoint}\n`,
      httpRoutes: demo.routes,
    });
    await gateway.listen();
    stack.push(() => gateway.close());
    process.env['CONNECTIONS_ENDPOINT'] = gateway.managementEndpoint;
    await warmUp(gateway.managementEndpoint);

    const streams = new DynamoDBStreamsClient({ endpoint: dynamodbEndpoint });
    const poller = new StreamPoller({
      client: streams,
      streamArn,
      filter: connectionRemovedFilterPattern,
      handler: cleanup.handler,
      onGiveUp: (records, error) =>
        console.error(`stream poller: gave up on ${records.length} records after retries:`, error),
    });
    poller.start();
    // Registered before the gateway closes, so it runs after: the disconnects still get cleaned up.
    stack.splice(stack.length - 1, 0, async () => {
      await poller.drained().catch(() => undefined);
      await poller.stop();
      streams.destroy();
    });

    const authorization = !auth ? 'off' : checksTokens(auth) ? 'tokens' : 'origins';
    const { tableName } = settings;
    return { url: gateway.url, dynamodbEndpoint, tableName, gateway, poller, dynamoDb, demo, authorization, timing, joinOrder, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Sends one read through each SDK client the handlers use. The first request of a fresh
 * client takes most of a second here; paid at start, it does not delay the first announce,
 * which would let two peers that join together both start an offer (y-webrtc glare).
 */
async function warmUp(managementEndpoint: string): Promise<void> {
  const { dependencies } = await import('../handlers/dependencies.js');
  const { store, senderFor } = dependencies();
  await Promise.all([store.subscribersOf('warm-up'), senderFor(managementEndpoint).send('warm-up', '{}')]);
}

/** What the handler modules read from the environment, pointed at the local parts. */
function setHandlerEnvironment(settings: LocalSettings, dynamodbEndpoint: string): void {
  const env = process.env;
  env['TABLE_NAME'] = settings.tableName;
  env['DYNAMODB_ENDPOINT'] = dynamodbEndpoint;
  // DynamoDB Local and the emulator accept any credentials; the SDK insists on some.
  env['AWS_REGION'] ??= 'us-east-1';
  env['AWS_ACCESS_KEY_ID'] ??= 'local';
  env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
  env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
  env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
}

function isUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code);
}
