import { randomUUID } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { selectRoute } from './routes.js';
import type { WebSocketEvent, WebSocketRequestContext } from './websocket-event.js';

/**
 * The events API Gateway hands to a WebSocket API's functions, built from plain inputs. The
 * local emulator builds every event with these, and tests that call a handler directly can
 * too, so both get the shape the deployed functions get.
 */

/** The API an event came through. */
export interface ApiEndpoint {
  readonly apiId: string;
  readonly stage: string;
  /** The host (and port) clients reach the API on; the management API is on the same host. */
  readonly domainName: string;
  /** For the authorizer's `methodArn`; default `local`. */
  readonly region?: string;
  /** For the authorizer's `methodArn`; default `000000000000`. */
  readonly accountId?: string;
}

/** What API Gateway knows of a connection from its handshake: every event of it carries this. */
export interface ConnectionFacts {
  readonly connectionId: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** The authorizer's context, `principalId` included; absent without an authorizer. */
  readonly authorizer?: Record<string, unknown>;
}

/** Left out, a request gets a random id and the present time. */
export interface RequestStamp {
  readonly requestId?: string;
  readonly requestTimeEpoch?: number;
}

/** The HTTP request that opens a connection. */
export interface HandshakeRequest extends RequestStamp {
  /** As Node gives them: a repeated header is an array. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Anything `URLSearchParams` takes: `'a=1&a=2'`, `{ token: 'x' }`, a `URLSearchParams`. */
  readonly query?: string | URLSearchParams | Readonly<Record<string, string>>;
}

export interface MessageFrame extends RequestStamp {
  readonly body: string;
  /** Default: the route API Gateway selects for the body (`selectRoute`). */
  readonly routeKey?: string;
  readonly isBase64Encoded?: boolean;
  readonly messageId?: string;
}

export interface ConnectionEnd extends RequestStamp {
  /** The WebSocket close code (1005 when the client sent none). */
  readonly statusCode: number;
  readonly reason: string;
}

export function connectEvent(api: ApiEndpoint, connection: ConnectionFacts, handshake: HandshakeRequest = {}): WebSocketEvent {
  return {
    requestContext: requestContext(api, connection, '$connect', 'CONNECT', handshake),
    isBase64Encoded: false,
    ...handshakeParts(handshake),
  };
}

export function messageEvent(api: ApiEndpoint, connection: ConnectionFacts, frame: MessageFrame): WebSocketEvent {
  const routeKey = frame.routeKey ?? selectRoute(frame.body);
  return {
    requestContext: {
      ...requestContext(api, connection, routeKey, 'MESSAGE', frame),
      messageId: frame.messageId ?? randomUUID(),
    },
    body: frame.body,
    isBase64Encoded: frame.isBase64Encoded ?? false,
  };
}

export function disconnectEvent(api: ApiEndpoint, connection: ConnectionFacts, end: ConnectionEnd): WebSocketEvent {
  return {
    requestContext: {
      ...requestContext(api, connection, '$disconnect', 'DISCONNECT', end),
      disconnectStatusCode: end.statusCode,
      disconnectReason: end.reason,
    },
    isBase64Encoded: false,
  };
}

/**
 * The event of a REQUEST authorizer on `$connect`. Its request context is the WebSocket one,
 * without an authorizer (none has run yet); the `aws-lambda` type describes a REST API's
 * context instead, hence the one cast.
 */
export function requestAuthorizerEvent(
  api: ApiEndpoint,
  connection: Omit<ConnectionFacts, 'authorizer'>,
  handshake: HandshakeRequest = {},
): APIGatewayRequestAuthorizerEvent {
  const parts = handshakeParts(handshake);
  const event = {
    type: 'REQUEST',
    methodArn: connectMethodArn(api),
    headers: parts.headers,
    multiValueHeaders: parts.multiValueHeaders,
    queryStringParameters: parts.queryStringParameters ?? {},
    multiValueQueryStringParameters: parts.multiValueQueryStringParameters ?? {},
    stageVariables: {},
    requestContext: requestContext(api, connection, '$connect', 'CONNECT', handshake),
  };
  return event as unknown as APIGatewayRequestAuthorizerEvent;
}

export function connectMethodArn(api: ApiEndpoint): string {
  return `arn:aws:execute-api:${api.region ?? 'local'}:${api.accountId ?? '000000000000'}:${api.apiId}/${api.stage}/$connect`;
}

function requestContext(
  api: ApiEndpoint,
  connection: ConnectionFacts,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
  stamp: RequestStamp,
): WebSocketRequestContext {
  return {
    ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
    routeKey,
    eventType,
    connectionId: connection.connectionId,
    connectedAt: connection.connectedAt,
    requestId: stamp.requestId ?? randomUUID(),
    requestTimeEpoch: stamp.requestTimeEpoch ?? Date.now(),
    domainName: api.domainName,
    stage: api.stage,
    apiId: api.apiId,
    messageDirection: 'IN',
    identity: { sourceIp: connection.sourceIp, ...(connection.userAgent ? { userAgent: connection.userAgent } : {}) },
  };
}

type HandshakeParts = Required<Pick<WebSocketEvent, 'headers' | 'multiValueHeaders'>> &
  Pick<WebSocketEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>;

/** API Gateway leaves the query fields out of a `$connect` without a query string. */
function handshakeParts(handshake: HandshakeRequest): HandshakeParts {
  const headers = Object.entries(handshake.headers ?? {});
  const query = [...new URLSearchParams(handshake.query)];
  return {
    headers: Object.fromEntries(headers.map(([name, value]) => [name, typeof value === 'string' ? value : (value ?? []).join(',')])),
    multiValueHeaders: Object.fromEntries(headers.map(([name, value]) => [name, typeof value === 'string' ? [value] : [...(value ?? [''])]])),
    ...(query.length > 0
      ? { queryStringParameters: Object.fromEntries(query), multiValueQueryStringParameters: groupValues(query) }
      : {}),
  };
}

function groupValues(pairs: readonly [string, string][]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [key, value] of pairs) (grouped[key] ??= []).push(value);
  return grouped;
}
