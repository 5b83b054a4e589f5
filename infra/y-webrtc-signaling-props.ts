import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { TableEncryptionV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IHostedZone } from 'aws-cdk-lib/aws-route53';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { JoinOrder } from '../src/config/join-order.js';
import type { SignalDelivery } from '../src/config/signal-delivery.js';
import type { Limits } from '../src/config/limits.js';
import type { AuthorizationProps } from './parts/authorizer.js';
import type { IceServersProps } from './parts/ice-servers.js';
import type { SignalingFunctionName } from './parts/function-names.js';

export type { AuthorizationProps } from './parts/authorizer.js';
export type { IceServersProps, KinesisVideoTurnProps, SharedSecretTurnProps } from './parts/ice-servers.js';

/** The log levels Powertools Logger accepts in POWERTOOLS_LOG_LEVEL. */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

/** Configuration of a {@link YWebrtcSignaling} service. Every prop is optional. */
export interface YWebrtcSignalingProps {
  /**
   * Name of the API Gateway stage, the last segment of the URL (`wss://…/{stageName}`).
   * @default 'prod'
   */
  readonly stageName?: string;

  /**
   * Require a JWT in `?token=…` (and/or an allowed Origin) on `$connect`, checked by a Lambda
   * REQUEST authorizer; rooms outside the token's rooms claim are refused per message.
   * @default - anyone may connect, as to y-webrtc's reference server
   */
  readonly authorization?: AuthorizationProps;

  /**
   * Serve `GET /ice-servers` on a Lambda function URL: STUN and TURN servers with
   * short-lived credentials, from a TURN server of your own (shared secret) or Kinesis
   * Video Streams' managed TURN, under the same token checks as `$connect`
   * (docs/deploy.md, "TURN").
   * @default - no endpoint; clients bring their own ICE servers
   */
  readonly iceServers?: IceServersProps;

  /**
   * Route throttling of the stage, applied to every route (`ping` included).
   * @default { rateLimit: 1000, burstLimit: 500 }
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };

  /**
   * Physical name of the DynamoDB table.
   * @default - CloudFormation generates a unique name
   */
  readonly tableName?: string;

  /**
   * What happens to the table when it leaves the stack (or the stack is deleted).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * DynamoDB deletion protection: the table cannot be deleted until it is turned off.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Point-in-time recovery of the table.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;

  /**
   * Encryption at rest of the table. With a customer managed key the functions are granted
   * its use, and the stack needs an explicit region (`env.region`).
   * @default TableEncryptionV2.dynamoOwnedKey()
   */
  readonly tableEncryption?: TableEncryptionV2;

  /**
   * Overrides of the server's limits (src/config/limits.ts), passed to every function as its
   * environment variable. Limits not given keep the defaults of src/config/limits.ts.
   * @default - the defaults of src/config/limits.ts
   */
  readonly limits?: Partial<Limits>;

  /**
   * How rooms order joins (JOIN_ORDER). `room`: of two peers joining a room together, exactly
   * one receives the other's announce, however Lambda runs their frames. `arrival`: the
   * reference server's rule, a publish reaches whoever is subscribed when it is handled.
   * docs/architecture.md, "Join order", has the timelines and the cost.
   * @default 'room'
   */
  readonly joinOrder?: JoinOrder;

  /**
   * Where offers, answers and ICE candidates go (SIGNAL_DELIVERY). `peer`: a signal whose
   * plain JSON `data.to` names a peer id the room knows goes to that peer's connection(s)
   * only, so a join costs deliveries linear in the room's size and other members never see
   * a peer's ICE candidates. `room`: every publish to the whole room, as the reference
   * server does. docs/architecture.md, "Directed signals".
   * @default 'peer'
   */
  readonly signalDelivery?: SignalDelivery;

  /**
   * POWERTOOLS_SERVICE_NAME: the `service` key of every log line and the `service`
   * dimension of every custom metric.
   * @default 'y-webrtc-signaling'
   */
  readonly serviceName?: string;

  /**
   * POWERTOOLS_METRICS_NAMESPACE: the CloudWatch namespace of the custom metrics.
   * @default 'YWebrtcSignaling'
   */
  readonly metricsNamespace?: string;

  /**
   * POWERTOOLS_LOG_LEVEL of every function.
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;

  /**
   * How long the functions' and the access log groups keep their logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * Memory of each function in MB (Lambda's CPU share grows with it).
   * @default { connect: 256, message: 512, disconnect: 256, cleanup: 256 }
   */
  readonly memorySize?: Partial<Record<SignalingFunctionName, number>>;

  /**
   * Run the functions with `NODE_OPTIONS=--enable-source-maps`, so stack traces in the logs
   * name the TypeScript sources. Costs about 10 ms of CPU on each cold start of a signaling
   * function, 20 ms of the authorizer (docs/deploy.md); without it the maps still ship in the
   * bundle, for mapping traces by hand.
   * @default true
   */
  readonly sourceMapStackTraces?: boolean;

  /**
   * Access logging of the stage to CloudWatch Logs. API Gateway writes them only when the
   * account has a CloudWatch Logs role (see {@link createApiGatewayLogsRole}).
   * @default true
   */
  readonly accessLogs?: boolean;

  /**
   * Create the account-wide role API Gateway uses to write logs, and set it in the account's
   * API Gateway settings (AWS::ApiGateway::Account). Needed once per account and region,
   * before any stage can log; leave it off where the account already has one. The role is
   * retained when the stack is deleted, since other APIs of the account may rely on it.
   * @default false
   */
  readonly createApiGatewayLogsRole?: boolean;

  /**
   * The cleanup function's event source mapping on the table's stream.
   * @default - see each field
   */
  readonly cleanup?: CleanupSourceProps;

  /**
   * Alarm and OK notifications go to this topic.
   * @default - the alarms notify no one; they are on the dashboard
   */
  readonly alarmTopic?: ITopic;

  /**
   * Alarm thresholds.
   * @default - see {@link AlarmThresholds}
   */
  readonly alarmThresholds?: Partial<AlarmThresholds>;

  /**
   * Name of the CloudWatch dashboard.
   * @default - CloudFormation generates a name
   */
  readonly dashboardName?: string;

  /**
   * Serve the API on a custom domain: an ACM certificate validated through DNS in the hosted
   * zone, an API Gateway domain name with an API mapping of the stage, and a Route 53 alias.
   * @default - only the execute-api URL
   */
  readonly customDomain?: CustomDomainProps;
}

export interface CleanupSourceProps {
  /**
   * Stream records per cleanup invocation.
   * @default 50
   */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch (halved on each error) before its records go to the DLQ.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this go to the DLQ instead of being retried. The stream keeps
   * records for 24 hours; edges that are never cleaned up still expire through TTL.
   * @default Duration.hours(6)
   */
  readonly maxRecordAge?: Duration;
}

export interface AlarmThresholds {
  /** Lambda `Errors` of one function in 5 minutes (timeouts, crashes; handled errors are not counted here). @default 1 */
  readonly functionErrors: number;
  /** Lambda `Throttles` of one function in 5 minutes. @default 1 */
  readonly functionThrottles: number;
  /** The custom `HandlerErrors` metric (a handler caught an error, e.g. from DynamoDB) in 5 minutes. @default 5 */
  readonly handlerErrors: number;
  /** API Gateway `IntegrationError` of the stage in 5 minutes. @default 10 */
  readonly integrationErrors: number;
  /** Age of the oldest stream record the cleanup has not processed, maximum over 5 minutes. @default Duration.minutes(5) */
  readonly streamIteratorAge: Duration;
}

export interface CustomDomainProps {
  /** The fully qualified domain name clients connect to, e.g. `signaling.example.com`. */
  readonly domainName: string;
  /** The public hosted zone the name is in; it receives the validation and alias records. */
  readonly hostedZone: IHostedZone;
}
