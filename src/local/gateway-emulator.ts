import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { routes, selectRoute, type FunctionName } from '../gateway/routes.js';
import type { WebSocketEvent, WebSocketRequestContext, WebSocketResult } from '../gateway/websocket-event.js';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { InvocationTiming } from './gateway-timing.js';

export type WebSocketFunction = (event: WebSocketEvent) => Promise<WebSocketResult | void>;

/** A Lambda REQUEST authorizer, as API Gateway calls it before `$connect`. */
export type AuthorizerFunction = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export interface GatewayEmulatorOptions {
  readonly port: number;
  readonly host?: string;
  readonly stage?: string;
  readonly functions: Readonly<Record<FunctionName, WebSocketFunction>>;
  /** API Gateway closes a connection that has been silent this long (10 min on AWS). */
  readonly idleTimeoutSeconds: number;
  /** API Gateway closes every connection after this long (2 h on AWS). */
  readonly maxConnectionSeconds: number;
  /** API Gateway's message limit, 128 KB. */
  readonly maxMessageBytes?: number;
  /**
   * Whether the `$disconnect` event of a closed connection is delivered. AWS delivers it on
   * a best-effort basis only; tests return false to play a lost one.
   */
  readonly deliverDisconnect?: (connection: EmulatedConnectionInfo) => boolean;
  /** Runs before `$connect`; its context reaches every event of the connection in `requestContext.authorizer`. */
  readonly authorizer?: AuthorizerFunction;
  /**
   * When frames reach the functions (src/local/gateway-timing.ts). Default: a connection's
   * frames one after the other, with no added latency.
   */
  readonly timing?: InvocationTiming;
  /** Told how long each function invocation took, for benchmarks. */
  readonly onInvoked?: (fn: FunctionName, milliseconds: number) => void;
  /** Plain text answered to an HTTP GET that is not a WebSocket upgrade. */
  readonly statusText?: () => string;
  /**
   * Further resources answered to HTTP GET and HEAD, by path (`/`, `/app.js`). A request that
   * matches no route, or whose Accept header does not name a route's `accept` type, gets the
   * status text.
   */
  readonly httpRoutes?: Readonly<Record<string, HttpRoute>>;
}

/** One resource the emulator serves over plain HTTP besides the status text. */
export interface HttpRoute {
  readonly contentType: string;
  /** The body; called on every request, so it may be built on first use and cached. */
  readonly body: () => string | Uint8Array | Promise<string | Uint8Array>;
  /**
   * Serve this only to requests whose Accept header names this media type (`text/html`:
   * browsers); other clients, such as `curl` or `fetch` that accept any type, get the status text.
   */
  readonly accept?: string;
}

export interface EmulatedConnectionInfo {
  readonly connectionId: string;
  readonly queryStringParameters: Readonly<Record<string, string>>;
}

/** What the `$disconnect` of a connection needs, also of one that never finished its handshake. */
interface EndedConnection extends EmulatedConnectionInfo {
  readonly connectedAt: number;
  readonly authorizer?: Record<string, unknown>;
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** Settles when the frames handed to the functions so far are done; in-order frames chain on it. */
  queue: Promise<void>;
  idleTimer?: NodeJS.Timeout;
  lifetimeTimer?: NodeJS.Timeout;
}

interface EmulatedConnection extends EndedConnection {
  readonly socket: WebSocket;
  lastActiveAt: number;
}

const defaultMaxMessageBytes = 128 * 1024;
const managementPath = /^(?:\/[^/]+)?\/@connections\/([^/?]+)$/;

/**
 * A WebSocket server on loopback that behaves like an API Gateway WebSocket API: it builds
 * proxy events of the real shape, routes them with the shared route table, answers mock
 * routes itself, enforces the limits and timeouts, and serves the `@connections` management
 * API over HTTP so the real SDK client can post to connections.
 */
export class GatewayEmulator {
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: defaultMaxMessageBytes });
  private readonly connections = new Map<string, EmulatedConnection>();
  private readonly pendingDisconnects = new Set<Promise<void>>();
  private readonly stage: string;
  private readonly maxMessageBytes: number;
  private boundPort: number;
  private closing = false;

  constructor(private readonly options: GatewayEmulatorOptions) {
    this.stage = options.stage ?? 'local';
    this.maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
    this.boundPort = options.port;
    this.sockets.options.maxPayload = this.maxMessageBytes;
    this.server = createServer((request, response) => void this.serveHttp(request, response));
    this.server.on('upgrade', (request, socket, head) => void this.upgrade(request, socket, head));
  }

  get url(): string {
    return `ws://${this.host}:${this.boundPort}`;
  }

  /** The management API endpoint, as the SDK client wants it (stage included). */
  get managementEndpoint(): string {
    return `http://${this.host}:${this.boundPort}/${this.stage}`;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        if (typeof address === 'object' && address) this.boundPort = address.port;
        resolve();
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  /** Closes every connection (delivering `$disconnect` as usual) and stops listening. */
  async close(): Promise<void> {
    this.closing = true;
    const closed = [...this.connections.values()].map(({ socket }) => {
      const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.close(1001, 'Going away');
      const terminate = setTimeout(() => socket.terminate(), 2_000);
      return done.finally(() => clearTimeout(terminate));
    });
    await Promise.all(closed);
    // The management API stays up until every routed frame and $disconnect has run: they post through it.
    await Promise.all(this.pendingDisconnects);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (this.closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const connectionId = randomBytes(11).toString('base64');
    const connectedAt = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const queryStringParameters = Object.fromEntries(url.searchParams);
    const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
    const userAgent = request.headers['user-agent'];
    const identity = { connectionId, connectedAt, sourceIp, ...(userAgent ? { userAgent } : {}) };
    const requestParts = {
      headers: flattenHeaders(request.headers),
      multiValueHeaders: multiValueHeaders(request.headers),
      ...(url.searchParams.size > 0
        ? { queryStringParameters, multiValueQueryStringParameters: groupValues([...url.searchParams]) }
        : {}),
    };
    const verdict = await this.authorize(identity, requestParts);
    if (typeof verdict === 'number') {
      socket.end(`HTTP/1.1 ${verdict} ${statusText(verdict)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const base = { ...identity, ...(verdict ? { authorizer: verdict } : {}) };
    const event: WebSocketEvent = {
      requestContext: this.requestContext('$connect', 'CONNECT', base),
      isBase64Encoded: false,
      ...requestParts,
    };
    const statusCode = await this.invokeConnect(event);
    if (statusCode < 200 || statusCode > 299) {
      socket.end(`HTTP/1.1 ${statusCode} ${statusText(statusCode)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (!socket.readable || !socket.writable) {
      // The client left while $connect ran; API Gateway then reports the connection closed.
      socket.destroy();
      this.closed({ ...base, queryStringParameters, queue: Promise.resolve() }, 1006, 'client left during the handshake');
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => {
      const connection: EmulatedConnection = { ...base, socket: ws, queryStringParameters, lastActiveAt: connectedAt, queue: Promise.resolve() };
      this.connections.set(connectionId, connection);
      this.armTimers(connection);
      ws.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
      ws.on('close', (code, reason) => this.closed(connection, code, reason.toString()));
      ws.on('error', () => ws.terminate());
    });
  }

  /**
   * Runs the authorizer as API Gateway does: a thrown `Unauthorized` is 401, a Deny policy
   * 403, any other failure 500. Returns the context for the connection's events, or the status.
   */
  private async authorize(
    identity: { connectionId: string; connectedAt: number; sourceIp: string; userAgent?: string },
    requestParts: Pick<WebSocketEvent, 'headers' | 'multiValueHeaders' | 'queryStringParameters' | 'multiValueQueryStringParameters'>,
  ): Promise<Record<string, unknown> | undefined | number> {
    if (!this.options.authorizer) return undefined;
    const context = this.requestContext('$connect', 'CONNECT', identity);
    const event = {
      type: 'REQUEST',
      methodArn: `arn:aws:execute-api:local:000000000000:${context.apiId}/${context.stage}/$connect`,
      headers: requestParts.headers ?? {},
      multiValueHeaders: requestParts.multiValueHeaders ?? {},
      queryStringParameters: requestParts.queryStringParameters ?? {},
      multiValueQueryStringParameters: requestParts.multiValueQueryStringParameters ?? {},
      stageVariables: {},
      requestContext: context,
    } as unknown as APIGatewayRequestAuthorizerEvent;
    try {
      const result = await this.options.authorizer(event);
      const allowed = result.policyDocument.Statement.every((statement) => 'Effect' in statement && statement.Effect === 'Allow');
      return allowed ? { ...(result.context ?? {}), principalId: result.principalId } : 403;
    } catch (error) {
      return (error as Error).message === 'Unauthorized' ? 401 : 500;
    }
  }

  private async invokeConnect(event: WebSocketEvent): Promise<number> {
    try {
      const result = await this.invoke('connect', event);
      return result?.statusCode ?? 200;
    } catch {
      return 500;
    }
  }

  private receive(connection: EmulatedConnection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      connection.socket.close(1003, 'Unsupported data');
      return;
    }
    connection.lastActiveAt = Date.now();
    this.armIdleTimer(connection);
    const frame = rawDataToString(data);
    const routeKey = selectRoute(frame);
    const target = routes[routeKey];
    if (target.kind === 'mock') {
      connection.socket.send(target.response);
      return;
    }
    const event: WebSocketEvent = {
      requestContext: { ...this.requestContext(routeKey, 'MESSAGE', connection), messageId: randomUUID() },
      body: frame,
      isBase64Encoded: false,
    };
    if (this.options.timing?.parallel) {
      const delivery = this.deliverMessage(connection, target.function, event);
      connection.queue = Promise.all([connection.queue, delivery]).then(() => undefined);
    } else {
      connection.queue = connection.queue.then(() => this.deliverMessage(connection, target.function, event));
    }
  }

  private async deliverMessage(connection: EmulatedConnection, fn: FunctionName, event: WebSocketEvent): Promise<void> {
    try {
      await this.invoke(fn, event);
    } catch {
      // What API Gateway sends a client when the integration fails.
      if (connection.socket.readyState === WebSocket.OPEN) {
        const { connectionId, requestId } = event.requestContext;
        connection.socket.send(JSON.stringify({ message: 'Internal server error', connectionId, requestId }));
      }
    }
  }

  private closed(connection: EndedConnection, code: number, reason: string): void {
    clearTimeout(connection.idleTimer);
    clearTimeout(connection.lifetimeTimer);
    this.connections.delete(connection.connectionId);
    if (this.options.deliverDisconnect && !this.options.deliverDisconnect(connection)) {
      this.track(connection.queue);
      return;
    }
    const event: WebSocketEvent = {
      requestContext: {
        ...this.requestContext('$disconnect', 'DISCONNECT', connection),
        disconnectStatusCode: code,
        disconnectReason: reason,
      },
      isBase64Encoded: false,
    };
    // After the connection's queued messages, as API Gateway has no more frames to route.
    const disconnect = connection.queue
      .then(() => this.invoke('disconnect', event))
      .then(
        () => undefined,
        () => undefined,
      );
    this.track(disconnect);
  }

  /** Work that must finish before the management API stops. */
  private track(work: Promise<void>): void {
    this.pendingDisconnects.add(work);
    void work.finally(() => this.pendingDisconnects.delete(work));
  }

  private async invoke(fn: FunctionName, event: WebSocketEvent): Promise<WebSocketResult | void> {
    const delay = this.options.timing?.delayOf(fn) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const started = performance.now();
    try {
      return await this.options.functions[fn](event);
    } finally {
      this.options.onInvoked?.(fn, performance.now() - started);
    }
  }

  private requestContext(
    routeKey: string,
    eventType: WebSocketRequestContext['eventType'],
    connection: Pick<EmulatedConnection, 'connectionId' | 'connectedAt' | 'sourceIp' | 'userAgent' | 'authorizer'>,
  ): WebSocketRequestContext {
    return {
      ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
      routeKey,
      eventType,
      connectionId: connection.connectionId,
      connectedAt: connection.connectedAt,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      domainName: `${this.host}:${this.boundPort}`,
      stage: this.stage,
      apiId: 'local',
      messageDirection: 'IN',
      identity: { sourceIp: connection.sourceIp, ...(connection.userAgent ? { userAgent: connection.userAgent } : {}) },
    };
  }

  private armTimers(connection: EmulatedConnection): void {
    this.armIdleTimer(connection);
    connection.lifetimeTimer = setTimeout(
      () => connection.socket.close(1001, 'Going away'),
      this.options.maxConnectionSeconds * 1000,
    );
  }

  private armIdleTimer(connection: EmulatedConnection): void {
    clearTimeout(connection.idleTimer);
    connection.idleTimer = setTimeout(
      () => connection.socket.close(1001, 'Going away'),
      this.options.idleTimeoutSeconds * 1000,
    );
  }

  private async serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const match = managementPath.exec(path);
    if (match) {
      await this.manage(request, response, decodeURIComponent(match[1] ?? ''));
      return;
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      const route = this.options.httpRoutes?.[path];
      if (route && (!route.accept || (request.headers.accept ?? '').includes(route.accept))) {
        await serveRoute(request, response, route);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(this.options.statusText?.() ?? `y-webrtc signaling: ${this.connections.size} connections\n`);
      return;
    }
    response.writeHead(405, { allow: 'GET' }).end();
  }

  /** `POST`, `GET` and `DELETE /@connections/{id}`, with API Gateway's error names. */
  private async manage(request: IncomingMessage, response: ServerResponse, connectionId: string): Promise<void> {
    const body = await readBody(request);
    const connection = this.connections.get(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      return serviceError(response, 410, 'GoneException', `connection ${connectionId} is gone`);
    }
    switch (request.method) {
      case 'POST':
        if (body.length > this.maxMessageBytes) {
          return serviceError(response, 413, 'PayloadTooLargeException', 'payload too large');
        }
        connection.socket.send(body.toString('utf8'));
        connection.lastActiveAt = Date.now();
        response.writeHead(200).end();
        return;
      case 'GET':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            ConnectedAt: new Date(connection.connectedAt).toISOString(),
            LastActiveAt: new Date(connection.lastActiveAt).toISOString(),
            Identity: { SourceIp: connection.sourceIp, UserAgent: connection.userAgent },
          }),
        );
        return;
      case 'DELETE':
        connection.socket.close(1000, '');
        response.writeHead(204).end();
        return;
      default:
        return serviceError(response, 405, 'MethodNotAllowedException', `${request.method} is not supported`);
    }
  }
}

async function serveRoute(request: IncomingMessage, response: ServerResponse, route: HttpRoute): Promise<void> {
  let body: string | Uint8Array;
  try {
    body = await route.body();
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`could not build ${request.url}: ${(error as Error).message}\n`);
    return;
  }
  response.writeHead(200, {
    'content-type': route.contentType,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function statusText(status: number): string {
  return { 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status] ?? 'Error';
}

function serviceError(response: ServerResponse, status: number, name: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': name });
  response.end(JSON.stringify({ message }));
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : (value ?? '')]),
  );
}

function multiValueHeaders(headers: IncomingMessage['headers']): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value : [value ?? '']]),
  );
}

function groupValues(pairs: [string, string][]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [key, value] of pairs) (grouped[key] ??= []).push(value);
  return grouped;
}
