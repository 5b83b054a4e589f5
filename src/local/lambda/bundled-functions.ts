import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEvent,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import type { AuthConfig } from '../../auth/auth-config.js';
import { ConfigurationError, defaultLimits, type Limits } from '../../config/limits.js';
import type { JoinOrder } from '../../config/join-order.js';
import type { SignalDelivery } from '../../config/signal-delivery.js';
import type { FunctionName } from '../../gateway/routes.js';
import type { WebSocketEvent, WebSocketResult } from '../../gateway/websocket-event.js';
import type { MetricStore } from '../metrics/metric-store.js';
import type { YWebrtcSignalingStackProps } from '../../../infra/stack.js';
import { localFunctionConfiguration, type LocalEndpoints } from './function-environment.js';
import { FunctionLogs } from './function-logs.js';
import { synthesizeLambdaTemplate, type LambdaFunctionName, type SynthesisOptions, type TemplateStreamSource } from './lambda-template.js';
import { LocalFunction } from './local-function.js';
import { SecretsStandIn } from './secrets-stand-in.js';

/** The names the local secrets have in the Secrets Manager stand-in. */
const localSecretNames = { jwt: 'y-webrtc-signaling-local-jwt-secret', turn: 'y-webrtc-signaling-local-turn-secret' } as const;

/** The local coturn, as the construct's shared-secret TURN source would be configured for it. */
export interface LocalTurnServer {
  readonly turnUrls: readonly string[];
  readonly stunUrls: readonly string[];
  readonly secret: string;
}

export interface BundledFunctionsOptions {
  /** How the construct is configured: the handler settings and authorization a user would pass as props. */
  readonly joinOrder: JoinOrder;
  readonly signalDelivery: SignalDelivery;
  readonly limits: Limits;
  readonly auth: AuthConfig | undefined;
  /** LOCAL_TURN=coturn: the ICE servers function is deployed with a shared-secret source for it. */
  readonly turn?: LocalTurnServer;
  readonly endpoints: Omit<LocalEndpoints, 'secrets'>;
  /** Execution environments per function at most (its concurrency limit). */
  readonly concurrencyLimit: number;
  readonly metrics: MetricStore;
  /** Where each function's log is written (`<directory>/<function>.log`); without it, only kept in memory. */
  readonly logDirectory?: string;
  /** Tests: a change to the stack before it is synthesized. */
  readonly adjustStack?: SynthesisOptions['adjust'];
}

export interface BundledFunctions {
  readonly gateway: Readonly<Record<FunctionName, (event: WebSocketEvent) => Promise<WebSocketResult | void>>>;
  readonly authorizer?: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
  readonly cleanup: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** The ICE servers function, invoked with function URL events, when `turn` is given. */
  readonly iceServers?: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  /** The cleanup's event source mapping, as the template has it. */
  readonly cleanupSource: TemplateStreamSource;
  readonly functions: ReadonlyMap<LambdaFunctionName, LocalFunction>;
  readonly logs: FunctionLogs;
  /** Starts environments ahead of the events (provisioned concurrency), per function. */
  provision(counts: Partial<Readonly<Record<LambdaFunctionName, number>>>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The functions as `cdk deploy` would deploy them: the stack synthesized with the props
 * that match the local settings, each function run from its staged bundle in execution
 * environments of its own (LocalFunction), configured by the template.
 */
export async function startBundledFunctions(options: BundledFunctionsOptions): Promise<BundledFunctions> {
  if (options.auth?.secretId) {
    throw new ConfigurationError(
      'AUTH_JWT_SECRET_ID names a secret in AWS Secrets Manager, which the local runtime does not reach: set the key itself in AUTH_JWT_SECRET',
    );
  }
  const template = await synthesizeLambdaTemplate({ props: stackProps(options), ...(options.adjustStack ? { adjust: options.adjustStack } : {}) });
  let secrets: SecretsStandIn | undefined;
  const logs = new FunctionLogs({ metrics: options.metrics, ...(options.logDirectory ? { directory: options.logDirectory } : {}) });
  const functions = new Map<LambdaFunctionName, LocalFunction>();
  const stop = async () => {
    await Promise.all([...functions.values()].map((fn) => fn.stop()));
    await secrets?.stop();
    await logs.close();
    await template.dispose();
  };
  try {
    const secretValues: Record<string, string> = {
      ...(options.auth?.secret ? { [localSecretNames.jwt]: options.auth.secret } : {}),
      ...(options.turn ? { [localSecretNames.turn]: options.turn.secret } : {}),
    };
    if (Object.keys(secretValues).length > 0) secrets = await SecretsStandIn.start(secretValues);
    const endpoints: LocalEndpoints = {
      ...options.endpoints,
      ...(secrets
        ? {
            secrets: {
              endpoint: secrets.endpoint,
              ...(options.auth?.secret ? { jwtSecretId: localSecretNames.jwt } : {}),
              ...(options.turn ? { turnSecretId: localSecretNames.turn } : {}),
            },
          }
        : {}),
    };
    for (const [name, fn] of template.functions) {
      functions.set(
        name,
        new LocalFunction({
          configuration: localFunctionConfiguration(fn, endpoints),
          concurrencyLimit: options.concurrencyLimit,
          log: (line) => logs.write(name, line),
          metrics: options.metrics,
        }),
      );
    }
    const invoker = (name: LambdaFunctionName) => {
      const fn = functions.get(name);
      if (!fn) throw new Error(`the synthesized template has no ${name} function`);
      return (event: unknown) => fn.invoke(event);
    };
    return {
      gateway: {
        connect: invoker('connect') as BundledFunctions['gateway']['connect'],
        message: invoker('message') as BundledFunctions['gateway']['message'],
        disconnect: invoker('disconnect') as BundledFunctions['gateway']['disconnect'],
      },
      ...(functions.has('authorizer') ? { authorizer: invoker('authorizer') as NonNullable<BundledFunctions['authorizer']> } : {}),
      cleanup: invoker('cleanup') as BundledFunctions['cleanup'],
      ...(functions.has('iceServers') ? { iceServers: invoker('iceServers') as NonNullable<BundledFunctions['iceServers']> } : {}),
      cleanupSource: template.cleanupSource,
      functions,
      logs,
      provision: async (counts) => {
        for (const [name, count] of Object.entries(counts) as [LambdaFunctionName, number][]) await functions.get(name)?.provision(count);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The props a user of the construct would pass for these settings: only what differs from its defaults. */
function stackProps(options: BundledFunctionsOptions): YWebrtcSignalingStackProps {
  const limits = Object.fromEntries(
    (Object.keys(options.limits) as (keyof Limits)[]).filter((key) => options.limits[key] !== defaultLimits[key]).map((key) => [key, options.limits[key]]),
  );
  const { auth, turn } = options;
  return {
    ...(auth?.secret ? { jwtSecretName: localSecretNames.jwt } : {}),
    ...(turn ? { turnServer: { urls: turn.turnUrls, secretName: localSecretNames.turn, stunUrls: turn.stunUrls } } : {}),
    signaling: {
      joinOrder: options.joinOrder,
      signalDelivery: options.signalDelivery,
      limits,
      ...(auth
        ? {
            authorization: {
              ...(auth.jwksUrl ? { jwksUrl: auth.jwksUrl.href } : {}),
              ...(auth.issuer ? { issuer: auth.issuer } : {}),
              ...(auth.audience ? { audience: auth.audience } : {}),
              roomsClaim: auth.roomsClaim,
              ...(auth.allowedOrigins ? { allowedOrigins: auth.allowedOrigins } : {}),
            },
          }
        : {}),
    },
  };
}
