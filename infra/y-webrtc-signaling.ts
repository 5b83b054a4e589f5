import type { WebSocketApi, WebSocketStage, DomainName } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { joinOrderEnvironmentVariable, joinOrderFromEnvironment } from '../src/config/join-order.js';
import { signalDeliveryEnvironmentVariable, signalDeliveryFromEnvironment } from '../src/config/signal-delivery.js';
import { limitEnvironmentVariables, limitsFromEnvironment, type Limits } from '../src/config/limits.js';
import { alarmThresholdDefaults, signalingDefaults } from './defaults.js';
import { createAlarms } from './parts/alarms.js';
import { authorizationEnvironment, createConnectAuthorizer } from './parts/authorizer.js';
import { createApiGatewayLogsRole } from './parts/api-gateway-logs-role.js';
import { connectCleanupToStream } from './parts/cleanup-source.js';
import { addCustomDomain } from './parts/custom-domain.js';
import { createDashboard } from './parts/dashboard.js';
import { signalingFunctionNames, type SignalingFunctionName } from './parts/function-names.js';
import { createSignalingFunction } from './parts/functions.js';
import { createIceServersEndpoint, type IceServersEndpoint } from './parts/ice-servers.js';
import { grantPostToConnections, grantTableAccess } from './parts/permissions.js';
import { createSignalingTable } from './parts/table.js';
import { createSignalingApi } from './parts/websocket-api.js';
import type { YWebrtcSignalingProps } from './y-webrtc-signaling-props.js';

export type * from './y-webrtc-signaling-props.js';
export { alarmThresholdDefaults, cleanupDefaults, signalingDefaults } from './defaults.js';

/**
 * A y-webrtc signaling server: a WebSocket API whose routes come from
 * src/gateway/routes.ts, four Lambda functions (src/lambda, src/handlers), one DynamoDB table shaped
 * by src/store/table.ts whose stream drives the cleanup, alarms and a dashboard.
 *
 * ```ts
 * const signaling = new YWebrtcSignaling(this, 'Signaling', { stageName: 'prod' });
 * // clients: new WebrtcProvider(room, doc, { signaling: [signaling.url] })
 * ```
 */
export class YWebrtcSignaling extends Construct {
  /** The URL y-webrtc clients connect to: `wss://{custom domain}` or the stage's execute-api URL. */
  readonly url: string;
  readonly table: TableV2;
  readonly functions: Readonly<Record<SignalingFunctionName, LambdaFunction>>;
  /** The `$connect` authorizer's function, when `authorization` is set. */
  readonly authorizerFunction?: LambdaFunction;
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  /** Stream records the cleanup could not process end up here. */
  readonly deadLetterQueue: Queue;
  readonly alarms: readonly Alarm[];
  readonly dashboard: Dashboard;
  /** The API Gateway domain name, when `customDomain` is set. */
  readonly domainName?: DomainName;
  /**
   * `https://…/ice-servers`, when `iceServers` is set: pages fetch their ICE servers here
   * (the client module's `IceServersRefresher`, docs/clients.md).
   */
  readonly iceServersUrl?: string;
  /** The ICE servers function, its function URL and the Kinesis Video channels, when `iceServers` is set. */
  readonly iceServers?: IceServersEndpoint;

  constructor(scope: Construct, id: string, props: YWebrtcSignalingProps = {}) {
    super(scope, id);
    const stageName = props.stageName ?? signalingDefaults.stageName;
    const logRetention = props.logRetention ?? signalingDefaults.logRetention;
    const sourceMapStackTraces = props.sourceMapStackTraces ?? signalingDefaults.sourceMapStackTraces;
    const customMetrics = {
      namespace: props.metricsNamespace ?? signalingDefaults.metricsNamespace,
      serviceName: props.serviceName ?? signalingDefaults.serviceName,
    };

    this.table = createSignalingTable(this, props);

    const environment = {
      TABLE_NAME: this.table.tableName,
      POWERTOOLS_SERVICE_NAME: customMetrics.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: customMetrics.namespace,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? signalingDefaults.logLevel,
      ...limitEnvironment(props.limits),
      [joinOrderEnvironmentVariable]: joinOrderFromEnvironment({ [joinOrderEnvironmentVariable]: props.joinOrder ?? signalingDefaults.joinOrder }),
      [signalDeliveryEnvironmentVariable]: signalDeliveryFromEnvironment({
        [signalDeliveryEnvironmentVariable]: props.signalDelivery ?? signalingDefaults.signalDelivery,
      }),
    };
    const memorySize = { ...signalingDefaults.memorySize, ...props.memorySize };
    const functions = {} as Record<SignalingFunctionName, LambdaFunction>;
    for (const name of signalingFunctionNames) {
      functions[name] = createSignalingFunction(this, name, {
        memorySize: memorySize[name],
        logRetention,
        environment,
        sourceMapStackTraces,
      });
      grantTableAccess(functions[name], name, this.table);
    }
    this.functions = functions;

    const accessLogGroup =
      !(props.accessLogs ?? signalingDefaults.accessLogs)
        ? undefined
        : new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const powertools = {
      POWERTOOLS_SERVICE_NAME: environment.POWERTOOLS_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: environment.POWERTOOLS_METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: environment.POWERTOOLS_LOG_LEVEL,
    };
    const connectAuthorizer = props.authorization
      ? createConnectAuthorizer(this, props.authorization, { logRetention, environment: powertools, sourceMapStackTraces })
      : undefined;
    if (props.iceServers) {
      if (!props.authorization) {
        Annotations.of(this).addWarningV2(
          'y-webrtc-signaling:ice-servers-without-authorization',
          'iceServers without authorization: anyone who can load your page can mint TURN credentials for your relay, limited only per address. Set authorization (docs/security.md, "Relays (TURN) and their abuse").',
        );
      }
      this.iceServers = createIceServersEndpoint(this, props.iceServers, {
        table: this.table,
        logRetention,
        sourceMapStackTraces,
        environment: { ...powertools, ...(props.authorization ? authorizationEnvironment(props.authorization) : {}) },
        ...(props.authorization?.jwtSecret ? { jwtSecret: props.authorization.jwtSecret } : {}),
        ...(props.authorization?.allowedOrigins ? { authorizationOrigins: props.authorization.allowedOrigins } : {}),
      });
      this.iceServersUrl = this.iceServers.url;
    }
    this.authorizerFunction = connectAuthorizer?.function;
    const { api, stage } = createSignalingApi(this, {
      functions,
      stageName,
      throttle: props.throttle ?? signalingDefaults.throttle,
      accessLogGroup,
      ...(connectAuthorizer ? { connectAuthorizer: connectAuthorizer.authorizer } : {}),
    });
    this.api = api;
    this.stage = stage;
    if (props.createApiGatewayLogsRole ?? signalingDefaults.createApiGatewayLogsRole) stage.node.addDependency(createApiGatewayLogsRole(this));

    // The management API of this stage, not the one derived from the event's domain name,
    // which is the custom domain's when there is one.
    functions.message.addEnvironment('CONNECTIONS_ENDPOINT', stage.callbackUrl);
    grantPostToConnections(functions.message, api, stageName);

    this.deadLetterQueue = connectCleanupToStream(this, functions.cleanup, this.table, props.cleanup);

    this.alarms = createAlarms(this, {
      functions,
      deadLetterQueue: this.deadLetterQueue,
      api,
      stageName,
      customMetrics,
      thresholds: { ...alarmThresholdDefaults, ...props.alarmThresholds },
      topic: props.alarmTopic,
    });
    this.dashboard = createDashboard(this, {
      dashboardName: props.dashboardName,
      functions,
      table: this.table,
      deadLetterQueue: this.deadLetterQueue,
      api,
      stageName,
      customMetrics,
      alarms: this.alarms,
    });

    if (props.customDomain) {
      const domain = addCustomDomain(this, props.customDomain, api, stage);
      this.domainName = domain.domainName;
      this.url = domain.url;
    } else {
      this.url = stage.url;
    }
  }
}

/** The environment variables for limit overrides, checked now so a bad value fails the synth, not the first request. */
function limitEnvironment(limits: Partial<Limits> = {}): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(limits) as [keyof Limits, number | undefined][]) {
    if (value !== undefined) environment[limitEnvironmentVariables[key]] = String(value);
  }
  limitsFromEnvironment(environment);
  return environment;
}
