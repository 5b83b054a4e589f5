import { Names } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnIntegrationResponse,
  LogGroupLogDestination,
  WebSocketApi,
  WebSocketIntegration,
  WebSocketStage,
  type IWebSocketRouteAuthorizer,
  type WebSocketRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration, WebSocketMockIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { routeSelectionExpression, routes, type FunctionName, type RouteKey, type RouteTarget } from '../../src/gateway/routes.js';
import { acknowledgeNagFinding } from './nag.js';

export interface SignalingApiOptions {
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
  readonly stageName: string;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Where the stage writes its access log, if it logs. */
  readonly accessLogGroup?: ILogGroup;
  /** Runs before `$connect` when authorization is configured. */
  readonly connectAuthorizer?: IWebSocketRouteAuthorizer;
}

export interface SignalingApi {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly routes: Readonly<Record<RouteKey, WebSocketRoute>>;
}

const openConnectReason =
  'Authorization was not configured (the authorization prop): y-webrtc clients connect without credentials, as to the reference server; rooms are protected end to end by the room password.';
const authorizedOnConnectReason =
  'A WebSocket API authorizes on $connect only: every message on this route travels on a connection $connect already admitted.';

/** API Gateway's selection key for "whatever the request or response": `$default`, escaped. */
const anyTemplate = '\\$default';

/**
 * The WebSocket API with one route per entry of src/gateway/routes.ts, the table the local
 * emulator routes by as well, and a stage that deploys itself.
 */
export function createSignalingApi(scope: Construct, options: SignalingApiOptions): SignalingApi {
  const api = new WebSocketApi(scope, 'Api', {
    apiName: Names.uniqueResourceName(scope, { maxLength: 128 }),
    routeSelectionExpression,
    description: 'y-webrtc signaling',
  });
  const lambdaIntegrations = new Map<FunctionName, WebSocketLambdaIntegration>();
  const integrationOf = (name: FunctionName) => {
    let integration = lambdaIntegrations.get(name);
    if (!integration) {
      integration = new WebSocketLambdaIntegration(`${name}-Integration`, options.functions[name]);
      lambdaIntegrations.set(name, integration);
    }
    return integration;
  };

  const created = {} as Record<RouteKey, WebSocketRoute>;
  for (const [routeKey, target] of Object.entries(routes) as [RouteKey, RouteTarget][]) {
    const authorizer = routeKey === '$connect' ? options.connectAuthorizer : undefined;
    created[routeKey] =
      target.kind === 'function'
        ? api.addRoute(routeKey, { integration: integrationOf(target.function), ...(authorizer ? { authorizer } : {}) })
        : addAnsweringRoute(api, routeKey, target.response);
    if (routeKey !== '$connect') acknowledgeNagFinding(created[routeKey], 'AwsSolutions-APIG4', authorizedOnConnectReason);
    else if (!authorizer) acknowledgeNagFinding(created[routeKey], 'AwsSolutions-APIG4', openConnectReason);
  }

  const stage = new WebSocketStage(scope, 'Stage', {
    webSocketApi: api,
    stageName: options.stageName,
    autoDeploy: true,
    throttle: options.throttle,
    accessLogSettings: options.accessLogGroup
      ? { destination: new LogGroupLogDestination(options.accessLogGroup), format: accessLogFormat }
      : undefined,
  });
  if (!options.accessLogGroup) {
    acknowledgeNagFinding(
      stage,
      'AwsSolutions-APIG1',
      'Access logging was turned off with the accessLogs prop (for an account without an API Gateway logging role); the functions still log every request they handle, and API Gateway still reports its metrics.',
    );
  }
  // The first automatic deployment then already holds every route.
  for (const route of Object.values(created)) stage.node.addDependency(route);
  return { api, stage, routes: created };
}

/**
 * A route API Gateway answers itself with a fixed frame: a MOCK integration that always
 * succeeds, an integration response that renders `response`, and a route response that
 * sends it back to the client. No Lambda function runs.
 */
function addAnsweringRoute(api: WebSocketApi, routeKey: RouteKey, response: string): WebSocketRoute {
  const integrationId = `${routeKey}-Integration`;
  const route = api.addRoute(routeKey, {
    integration: new WebSocketMockIntegration(integrationId, {
      requestTemplates: { $default: JSON.stringify({ statusCode: 200 }) },
      templateSelectionExpression: anyTemplate,
    }),
    returnResponse: true,
  });
  const integration = route.node.findChild(integrationId) as WebSocketIntegration;
  new CfnIntegrationResponse(route, 'IntegrationResponse', {
    apiId: api.apiId,
    integrationId: integration.integrationId,
    integrationResponseKey: '$default',
    responseTemplates: { $default: response },
    templateSelectionExpression: anyTemplate,
  });
  return route;
}

/** One JSON line per request, with the fields that matter for a WebSocket API. */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    eventType: '$context.eventType',
    routeKey: '$context.routeKey',
    connectionId: '$context.connectionId',
    status: '$context.status',
    sourceIp: '$context.identity.sourceIp',
    integrationStatus: '$context.integration.status',
    integrationLatency: '$context.integration.latency',
    error: '$context.error.message',
    integrationError: '$context.integration.error',
  }),
);
