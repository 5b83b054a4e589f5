/**
 * The parts of an API Gateway WebSocket proxy event this service reads. Real events carry
 * more; the local emulator produces events of this shape with the same field names.
 */
export interface WebSocketRequestContext {
  readonly routeKey: string;
  readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  readonly connectionId: string;
  readonly requestId: string;
  readonly domainName: string;
  readonly stage: string;
  readonly apiId: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  readonly requestTimeEpoch: number;
  readonly messageId?: string;
  readonly messageDirection: 'IN';
  readonly identity: { readonly sourceIp: string; readonly userAgent?: string };
  readonly disconnectStatusCode?: number;
  readonly disconnectReason?: string;
  readonly authorizer?: Record<string, unknown>;
}

export interface WebSocketEvent {
  readonly requestContext: WebSocketRequestContext;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly queryStringParameters?: Record<string, string>;
  readonly multiValueQueryStringParameters?: Record<string, string[]>;
}

export interface WebSocketResult {
  readonly statusCode: number;
  readonly body?: string;
}

/** The management API endpoint of the API and stage an event came through. */
export function managementEndpointOf(context: Pick<WebSocketRequestContext, 'domainName' | 'stage'>): string {
  return `https://${context.domainName}/${context.stage}`;
}
