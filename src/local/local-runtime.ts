import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { checksTokens } from '../auth/auth-config.js';
import { clientIdentity, localAwsIdentity, type AwsClientSettings } from '../config/aws-clients.js';
import type { JoinOrder } from '../config/join-order.js';
import { ConfigurationError } from '../config/limits.js';
import type { SignalDelivery } from '../config/signal-delivery.js';
import type { FunctionName } from '../gateway/routes.js';
import type { WebSocketEvent } from '../gateway/websocket-event.js';
import { authorizerHandler } from '../handlers/authorizer.js';
import { cleanupHandler } from '../handlers/cleanup.js';
import { connectHandler } from '../handlers/connect.js';
import { disconnectHandler } from '../handlers/disconnect.js';
import type { HandlerSettings } from '../handlers/handler-settings.js';
import { messageDependencies, type MessageDependencies } from '../handlers/message-dependencies.js';
import { messageHandler } from '../handlers/message.js';
import { recordMetricsWith } from '../handlers/observability.js';
import { dashboardSite, type DashboardSite } from '../dashboard/dashboard-site.js';
import { demoSite, type DemoSite } from '../demo/demo-site.js';
import { dashboardData } from './metrics/local-dashboard-data.js';
import { recordDynamoDbRequests, sampleFramesWaiting, StreamLag, timed } from './metrics/local-instruments.js';
import { MetricStore } from './metrics/metric-store.js';
import { ActivityLog } from './activity-log.js';
import { connectionChecker } from './connection-check.js';
import { InProcessSender } from './in-process-sender.js';
import { connectionRemovedFilterPattern } from '../store/table.js';
import { ensureTable } from './create-table.js';
import { warmUpDynamoDb } from './dynamodb-warm-up.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from './dynamodb-local.js';
import { startCoturn, type RunningCoturn } from './coturn.js';
import { StopOrder } from './stop-order.js';
import { coturnStunUrls, localIceServers } from './local-ice-servers.js';
import { localTokenIssuer } from './local-tokens.js';
import { GatewayEmulator, type AuthorizerFunction, type EmulatedConnectionInfo, type GatewayEmulatorOptions, type WebSocketFunction } from './gateway-emulator.js';
import { startBundledFunctions, type BundledFunctions, type BundledFunctionsOptions } from './lambda/bundled-functions.js';
import { invocationTiming, type InvocationTiming } from './gateway-timing.js';
import { defaultLocalSettings, type LocalSettings } from './local-settings.js';
import { StreamPoller } from './stream-poller.js';

export interface LocalRuntimeOptions {
  /** What differs from `defaultLocalSettings()`; `npm start` passes `localSettings(process.env)` (docs/configuration.md). */
  readonly settings?: Partial<LocalSettings>;
  /** Tests use this to play a `$disconnect` that API Gateway never delivers. */
  readonly deliverDisconnect?: (connection: EmulatedConnectionInfo) => boolean;
  /** Benchmarks use this to time each function invocation. */
  readonly onInvoked?: GatewayEmulatorOptions['onInvoked'];
  /**
   * In sources mode, send the handlers' counts to `metrics` (the dashboard) instead of
   * Powertools' EMF on stdout: `npm start` does. One runtime per process should: the handlers'
   * observability is the process's. In bundles mode the functions' EMF lines are read from their logs.
   */
  readonly recordHandlerMetrics?: boolean;
  /** Where to print a readable line per connect, subscribe, unsubscribe and leave (`npm start`: the console). */
  readonly activity?: (line: string) => void;
  /** Bundles mode, tests: a change to the stack before it is synthesized (a construct change). */
  readonly adjustStack?: BundledFunctionsOptions['adjustStack'];
}

export interface LocalRuntime {
  readonly url: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly gateway: GatewayEmulator;
  readonly poller: StreamPoller;
  /** A client of the runtime's DynamoDB for inspecting the table, apart from the handlers' own. */
  readonly dynamoDb: DynamoDBClient;
  /** What the handlers of this runtime use: their AWS clients, store, limits and senders. */
  readonly dependencies: MessageDependencies;
  /** Whether connections go through the `$connect` authorizer (any AUTH_* variable set). */
  readonly authorization: 'off' | 'tokens' | 'origins';
  /** When frames reach the handlers (GATEWAY_TIMING), with the seed of its random latency. */
  readonly timing: InvocationTiming;
  readonly joinOrder: JoinOrder;
  readonly signalDelivery: SignalDelivery;
  /** The demo page served at `/` to browsers (src/demo), bundled on first request or `build()`. */
  readonly demo: DemoSite;
  /** What the live dashboard at /dashboard draws: the handlers' EMF and what only this runtime measures. */
  readonly metrics: MetricStore;
  /** The live dashboard (src/dashboard), bundled on first request or `build()`. */
  readonly dashboard: DashboardSite;
  /** Bundles mode (LOCAL_FUNCTIONS=bundles): the functions, their environments and logs; undefined in sources mode. */
  readonly bundled?: BundledFunctions;
  /** LOCAL_TURN=coturn: the coturn behind GET /ice-servers. */
  readonly coturn?: RunningCoturn;
  /** Warms DynamoDB Local up on a scratch table for WARM_UP_SECONDS (`npm start` does, before its banner); resolves to the rounds run. */
  warmUp(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Everything `npm start` runs: DynamoDB Local (unless DYNAMODB_ENDPOINT names one), the
 * table, the API Gateway emulator and the stream poller, all calling the same handlers
 * that are deployed to Lambda, built from this runtime's settings: several runtimes can
 * run in one process.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const settings: LocalSettings = { ...defaultLocalSettings(), ...options.settings };
  // It starts in the order below: DynamoDB and the table, coturn, the gateway (whose address the
  // handlers need to post to connections, so the gateway gets late-bound functions), the
  // handlers or the bundled functions, then the stream poller. It stops in this order:
  const stopOrder = new StopOrder([
    'following', // the activity log's reading of coturn's allocations
    'gateway', // closing it delivers every open connection's $disconnect through the functions
    'stream', // the drain runs the cleanups those disconnects caused, then the poller stops
    'functions', // bundles mode: the execution environments, once nothing invokes them
    'activity',
    'handler-clients', // the handlers' AWS clients, once no handler runs
    'sampling',
    'coturn',
    'metrics-recorder',
    'inspection-client',
    'database', // last: everything above reads and writes it
  ] as const);
  const stop = () => stopOrder.run();

  try {
    let database: RunningDynamoDbLocal | undefined;
    if (!settings.dynamodbEndpoint) {
      database = await startDynamoDbLocal();
      stopOrder.add('database', () => database!.stop());
    }
    const dynamodbEndpoint = settings.dynamodbEndpoint ?? database!.endpoint;
    const { limits, joinOrder, signalDelivery, auth } = settings;
    const aws: AwsClientSettings = { dynamoDbEndpoint: dynamodbEndpoint, ...settings.aws };

    const dynamoDb = new DynamoDBClient({ endpoint: dynamodbEndpoint, ...clientIdentity(aws) });
    stopOrder.add('inspection-client', () => dynamoDb.destroy());
    const streamArn = await ensureTable(dynamoDb, settings.tableName).catch((error: unknown) => {
      throw settings.dynamodbEndpoint && isUnreachable(error)
        ? new ConfigurationError(
            `cannot reach DynamoDB at ${dynamodbEndpoint} (DYNAMODB_ENDPOINT): ${(error as NodeJS.ErrnoException).code}. ` +
              'Start it there, or unset DYNAMODB_ENDPOINT to use the bundled DynamoDB Local.',
          )
        : error;
    });

    // The handlers need the emulator's address to post to connections; it is known once it listens.
    const signaling = lateBoundFunctions();

    const metrics = new MetricStore();
    let bundled: BundledFunctions | undefined;
    const sourceAuthorizer = auth && settings.functions === 'sources' ? authorizerHandler({ auth }) : undefined;
    const authorizer: AuthorizerFunction | undefined = auth
      ? timed(metrics, 'authorizer', (event: Parameters<AuthorizerFunction>[0]) => {
          const run = sourceAuthorizer ?? bundled?.authorizer;
          if (!run) throw new Error('the authorizer was called before the runtime bound it');
          return run(event);
        })
      : undefined;
    const streamLag = new StreamLag(metrics);
    if (options.recordHandlerMetrics && settings.functions === 'sources') {
      recordMetricsWith((name, value, dimensions) => metrics.record(name, value, dimensions));
      stopOrder.add('metrics-recorder', () => recordMetricsWith(undefined));
    }
    const dashboard = dashboardSite(() => dashboardData(metrics, { lambdaMetrics: settings.functions === 'bundles' }));
    const demo = demoSite();
    let coturn: RunningCoturn | undefined;
    if (settings.turn === 'coturn') {
      coturn = await startCoturn({ secret: settings.turnSecret });
      stopOrder.add('coturn', () => coturn!.stop());
    }
    // Bound once the handlers' DynamoDB client exists.
    const late: { iceServers?: HttpRoute } = {};
    const issueToken = localTokenIssuer(auth, settings.localTokenSeconds);
    const timing = invocationTiming(settings.gatewayTiming, settings.timingSeed);
    const gateway: GatewayEmulator = new GatewayEmulator({
      port: settings.port,
      functions: signaling.functions,
      ...(authorizer ? { authorizer } : {}),
      idleTimeoutSeconds: settings.idleTimeoutSeconds,
      timing,
      maxConnectionSeconds: limits.maxConnectionSeconds,
      ...(options.deliverDisconnect ? { deliverDisconnect: options.deliverDisconnect } : {}),
      ...(options.onInvoked ? { onInvoked: options.onInvoked } : {}),
      fallback: withRoute(
        async (request, response) => (await late.iceServers?.(request, response)) ?? false,
        dashboard.handle,
        demo.handler({
          statusText: (): string =>
            `y-webrtc signaling (local): ${gateway.connectionCount} connections, table ${settings.tableName} on ${dynamodbEndpoint}\n`,
          checkConnection: connectionChecker(auth),
          ...(issueToken ? { issueToken } : {}),
        }),
      ),
    });
    const stopSampling = sampleFramesWaiting(() => gateway.framesWaiting(), metrics);
    stopOrder.add('sampling', stopSampling);
    await gateway.listen();
    stopOrder.add('gateway', () => gateway.close());
    const handlerSettings: HandlerSettings = {
      tableName: settings.tableName,
      limits,
      joinOrder,
      signalDelivery,
      aws,
      connectionsEndpoint: gateway.managementEndpoint,
    };
    const { delivery } = settings;
    const dependencies = messageDependencies(handlerSettings, undefined, delivery === 'in-process' ? new InProcessSender(gateway) : undefined);
    stopOrder.add('handler-clients', () => dependencies.dynamoDb.destroy());
    const activity = options.activity ? new ActivityLog(options.activity) : undefined;
    if (activity) stopOrder.add('activity', () => activity.stop());
    if (options.activity && coturn) {
      const say = options.activity;
      const unfollow = coturn.followAllocations(({ username }) => say(`relay        ${username} (a TURN allocation on the local coturn)`));
      stopOrder.add('following', unfollow);
    }
    if (settings.functions === 'bundles') {
      bundled = await startBundledFunctions({
        joinOrder,
        signalDelivery,
        limits,
        auth,
        ...(coturn ? { turn: { turnUrls: coturn.turnUrls, stunUrls: coturnStunUrls(coturn), secret: coturn.secret } } : {}),
        endpoints: {
          tableName: settings.tableName,
          dynamoDbEndpoint: dynamodbEndpoint,
          connectionsEndpoint: gateway.managementEndpoint,
          region: aws.region ?? localAwsIdentity.region,
          credentials: aws.credentials ?? localAwsIdentity.credentials,
        },
        concurrencyLimit: settings.concurrencyLimit,
        metrics,
        ...(settings.functionLogs ? { logDirectory: settings.functionLogs } : {}),
        ...(options.adjustStack ? { adjustStack: options.adjustStack } : {}),
      });
      if (settings.provisionedConcurrency > 0) {
        const count = settings.provisionedConcurrency;
        await bundled.provision({ authorizer: count, connect: count, message: count, disconnect: count, cleanup: count, iceServers: count });
      }
      const functions = bundled;
      stopOrder.add('functions', () => functions.stop());
    }
    late.iceServers = localIceServers({ coturn, auth, dynamoDb: dependencies.dynamoDb, tableName: settings.tableName, bundle: bundled?.iceServers });
    const handlers = bundled?.gateway ?? {
      connect: connectHandler(dependencies),
      message: messageHandler(dependencies),
      disconnect: disconnectHandler(dependencies),
    };
    const connect = timed(metrics, 'connect', handlers.connect);
    const message = timed(metrics, 'message', handlers.message);
    const disconnect = streamLag.disconnect(timed(metrics, 'disconnect', handlers.disconnect));
    signaling.bind({
      connect: activity?.connect(connect) ?? connect,
      message: activity?.message(message) ?? message,
      disconnect: activity?.disconnect(disconnect) ?? disconnect,
    });
    // The functions' own clients warm up by themselves in bundles mode: a cold start is part of what it shows.
    if (!bundled) await warmUp(dependencies, gateway.managementEndpoint);
    // After the warm-up, so the dashboard counts what clients caused only.
    if (!bundled) recordDynamoDbRequests(dependencies.dynamoDb, metrics);

    const streams = new DynamoDBStreamsClient({ endpoint: dynamodbEndpoint, ...clientIdentity(aws) });
    const cleanupSource = bundled?.cleanupSource;
    const poller = new StreamPoller({
      client: streams,
      streamArn,
      filters: cleanupSource?.filters ?? [connectionRemovedFilterPattern],
      ...(cleanupSource ? { batchSize: cleanupSource.batchSize, retryAttempts: cleanupSource.retryAttempts } : {}),
      handler: timed(metrics, 'cleanup', bundled?.cleanup ?? cleanupHandler(dependencies)),
      onBatch: streamLag.batch,
      onGiveUp: (records, error) =>
        console.error(`stream poller: gave up on ${records.length} records after retries:`, error),
    });
    poller.start();
    stopOrder.add('stream', async () => {
      await poller.drained().catch(() => undefined);
      await poller.stop();
      streams.destroy();
    });

    const authorization = !auth ? 'off' : checksTokens(auth) ? 'tokens' : 'origins';
    const { tableName } = settings;
    return {
      url: gateway.url,
      dynamodbEndpoint,
      tableName,
      gateway,
      poller,
      dynamoDb,
      dependencies,
      demo,
      metrics,
      dashboard,
      warmUp: async () => (settings.warmUpSeconds > 0 ? warmUpDynamoDb(handlerSettings, { durationMs: settings.warmUpSeconds * 1000 }) : 0),
      authorization,
      timing,
      joinOrder,
      signalDelivery,
      ...(bundled ? { bundled } : {}),
      ...(coturn ? { coturn } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Sends one read through each AWS client the handlers use. The first request of a fresh
 * client takes most of a second here; paid at start, it does not delay the first announce,
 * which would let two peers that join together both start an offer (y-webrtc glare).
 */
async function warmUp({ store, senderFor }: MessageDependencies, managementEndpoint: string): Promise<void> {
  await Promise.all([store.membersOf('warm-up'), senderFor(managementEndpoint).send('warm-up', '{}')]);
}

type SignalingFunctions = Readonly<Record<FunctionName, WebSocketFunction>>;

/** Functions for the emulator to call, which forward to handlers bound after it listens. */
function lateBoundFunctions(): { readonly functions: SignalingFunctions; bind(handlers: SignalingFunctions): void } {
  let bound: SignalingFunctions | undefined;
  const forward = (name: FunctionName) => (event: WebSocketEvent) => {
    if (!bound) throw new Error(`the ${name} function was called before the runtime bound it`);
    return bound[name](event);
  };
  return {
    functions: { connect: forward('connect'), message: forward('message'), disconnect: forward('disconnect') },
    bind(handlers) {
      bound = handlers;
    },
  };
}

type HttpRoute = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** The routes in turn (each answers its paths, false otherwise), then the given handler for everything else. */
function withRoute(...steps: [...HttpRoute[], NonNullable<GatewayEmulatorOptions['fallback']>]): NonNullable<GatewayEmulatorOptions['fallback']> {
  const routes = steps.slice(0, -1) as HttpRoute[];
  const rest = steps.at(-1) as NonNullable<GatewayEmulatorOptions['fallback']>;
  return async (request, response) => {
    for (const route of routes) if (await route(request, response)) return;
    await rest(request, response);
  };
}

function isUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code);
}
