import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  connectEvent,
  disconnectEvent,
  messageEvent,
  requestAuthorizerEvent,
  type ApiEndpoint,
  type ConnectionFacts,
  type HandshakeRequest,
} from '../gateway/event-builders.js';
import { routes, selectRoute, type FunctionName } from '../gateway/routes.js';
import type { WebSocketEvent, WebSocketResult } from '../gateway/websocket-event.js';
import { authorizeHandshake, type AuthorizerFunction } from './authorizer-step.js';
import type { InvocationTiming } from './gateway-timing.js';
import { addressedConnection, ManagementApi } from './management-api.js';

export type { AuthorizerFunction } from './authorizer-step.js';

export type WebSocketFunction = (event: WebSocketEvent) => Promise<WebSocketResult | void>;

/** Answers a plain HTTP request. */
export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

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
  /**
   * Answers every plain HTTP request that is not for the management API (the demo page, a
   * status line). Without it, GET and HEAD get a one-line status.
   */
  readonly fallback?: HttpHandler;
}

export interface EmulatedConnectionInfo {
  readonly connectionId: string;
  readonly queryStringParameters: Readonly<Record<string, string>>;
}

/** What the emulator keeps of every connection, also of one that never finished its handshake: what its `$disconnect` needs. */
interface ConnectionRecord extends EmulatedConnectionInfo, ConnectionFacts {
  /** Settles when the frames handed to the functions so far are done; in-order frames chain on it. */
  queue: Promise<void>;
  idleTimer?: NodeJS.Timeout;
  lifetimeTimer?: NodeJS.Timeout;
}

/** A connection whose handshake succeeded: it has a socket and receives frames. */
interface OpenConnection extends ConnectionRecord {
  readonly socket: WebSocket;
  lastActiveAt: number;
  /** Frames received and not yet handled by their function. */
  waiting: number;
}

const defaultMaxMessageBytes = 128 * 1024;

/** A frame a test holds back from its function, to run it late on purpose (see `GatewayEmulator.holdNext`). */
export interface HeldFrame {
  /** Settles when the frame has arrived and is being held. */
  readonly arrived: Promise<void>;
  /** Settles when its function has run, after `release()`. */
  readonly handled: Promise<void>;
  release(): void;
}

interface Hold {
  readonly matches: (event: WebSocketEvent) => boolean;
  readonly arrived: () => void;
  readonly released: Promise<void>;
  readonly handled: (delivery: Promise<void>) => void;
}

/**
 * A WebSocket server on loopback that behaves like an API Gateway WebSocket API: it runs the
 * authorizer, builds proxy events of the real shape (src/gateway/event-builders.ts), routes
 * them with the shared route table, answers mock routes itself, enforces the limits and
 * timeouts, and serves the `@connections` management API over HTTP so the functions' own client
 * can post to connections.
 */
export class GatewayEmulator {
  private readonly server: Server;
  private readonly sockets: WebSocketServer;
  private readonly connections = new Map<string, OpenConnection>();
  private readonly managementApi: ManagementApi;
  /** Routed frames and $disconnects not yet done: the management API stays up until they are. */
  private readonly workInFlight = new Set<Promise<void>>();
  private readonly holds: Hold[] = [];
  private readonly frameObservers = new Set<(event: WebSocketEvent) => void>();
  private readonly stage: string;
  private boundPort: number;
  private closing = false;

  constructor(private readonly options: GatewayEmulatorOptions) {
    const maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
    this.stage = options.stage ?? 'local';
    this.boundPort = options.port;
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
    this.managementApi = new ManagementApi({ connection: (id) => this.connections.get(id), maxMessageBytes });
    this.server = createServer((request, response) => {
      this.serveHttp(request, response).catch((error: unknown) => answerFailure(response, error));
    });
    this.server.on('upgrade', (request, socket, head) => void this.upgrade(request, socket, head));
  }

  get url(): string {
    return `ws://${this.host}:${this.boundPort}`;
  }

  /** The management API endpoint, as the management API client wants it (stage included). */
  get managementEndpoint(): string {
    return `http://${this.host}:${this.boundPort}/${this.stage}`;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Frames of one connection received and not yet handled by their function. */
  framesWaitingOn(connectionId: string): number {
    return this.connections.get(connectionId)?.waiting ?? 0;
  }

  /** Of each open connection with frames waiting for their function, how many: the backlog. */
  framesWaiting(): number[] {
    return [...this.connections.values()].map((connection) => connection.waiting).filter((waiting) => waiting > 0);
  }

  /**
   * Holds the next frame that `match` picks back from its function until `release()`, out of
   * its connection's order, whatever the timing: how tests make AWS's worst interleavings
   * (a frame's invocation running after a later frame's) happen on purpose, not by luck.
   */
  holdNext(match: (event: WebSocketEvent) => boolean): HeldFrame {
    let arrived!: () => void;
    let release!: () => void;
    let handled!: (delivery: Promise<void>) => void;
    const frame: HeldFrame = {
      arrived: new Promise<void>((resolve) => (arrived = resolve)),
      handled: new Promise<Promise<void>>((resolve) => (handled = resolve)).then((delivery) => delivery),
      release: () => release(),
    };
    this.holds.push({ matches: match, arrived, released: new Promise<void>((resolve) => (release = resolve)), handled });
    return frame;
  }

  /**
   * Tells `observer` of every frame routed to a function, with the event built for it (and so
   * the gateway's `requestTimeEpoch`), in the order frames arrive. Returns the unsubscribe.
   */
  observeFrames(observer: (event: WebSocketEvent) => void): () => void {
    this.frameObservers.add(observer);
    return () => this.frameObservers.delete(observer);
  }

  /** Sends to a connection as `POST @connections/{id}` would, without the HTTP round trip. */
  postToConnection(connectionId: string, data: string): 'delivered' | 'gone' | 'too-large' {
    return this.managementApi.post(connectionId, data);
  }

  /** The open connections, with the query of their handshake: how a test finds its client's id. */
  openConnections(): (EmulatedConnectionInfo & { readonly connectedAt: number })[] {
    return [...this.connections.values()].map(({ connectionId, connectedAt, queryStringParameters }) => ({ connectionId, connectedAt, queryStringParameters }));
  }

  get port(): number {
    return this.boundPort;
  }

  private get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  private get api(): ApiEndpoint {
    return { apiId: 'local', stage: this.stage, domainName: `${this.host}:${this.boundPort}` };
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
    await Promise.all(this.workInFlight);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (this.closing) return refuseHandshake(socket, 503);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const admitted = await this.admit(newConnection(request), { headers: request.headers, query: url.searchParams });
    if (typeof admitted === 'number') return refuseHandshake(socket, admitted);
    const ended = { ...admitted, queryStringParameters: Object.fromEntries(url.searchParams), queue: Promise.resolve() };
    if (!socket.readable || !socket.writable) {
      // The client left while $connect ran; API Gateway then reports the connection closed.
      socket.destroy();
      this.closed(ended, 1006, 'client left during the handshake');
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) =>
      this.opened({ ...ended, socket: ws, lastActiveAt: admitted.connectedAt, waiting: 0 }),
    );
  }

  /** Runs the authorizer, if any, and `$connect`: the connection, or the status that refuses it. */
  private async admit(connection: ConnectionFacts, handshake: HandshakeRequest): Promise<ConnectionFacts | number> {
    let admitted = connection;
    if (this.options.authorizer) {
      const event = requestAuthorizerEvent(this.api, connection, handshake);
      const verdict = await authorizeHandshake(this.options.authorizer, event);
      if (!verdict.allowed) return verdict.status;
      admitted = { ...connection, authorizer: verdict.context };
    }
    try {
      const statusCode = (await this.invoke('connect', connectEvent(this.api, admitted, handshake)))?.statusCode ?? 200;
      return statusCode >= 200 && statusCode <= 299 ? admitted : statusCode;
    } catch {
      return 500;
    }
  }

  private opened(connection: OpenConnection): void {
    const { socket } = connection;
    this.connections.set(connection.connectionId, connection);
    this.armIdleTimer(connection);
    connection.lifetimeTimer = setTimeout(() => socket.close(1001, 'Going away'), this.options.maxConnectionSeconds * 1000);
    socket.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    socket.on('close', (code, reason) => this.closed(connection, code, reason.toString()));
    socket.on('error', () => socket.terminate());
  }

  private receive(connection: OpenConnection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      connection.socket.close(1003, 'Unsupported data');
      return;
    }
    connection.lastActiveAt = Date.now();
    this.armIdleTimer(connection);
    const body = rawDataToString(data);
    const routeKey = selectRoute(body);
    const target = routes[routeKey];
    if (target.kind === 'mock') {
      connection.socket.send(target.response);
      return;
    }
    const event = messageEvent(this.api, connection, { body, routeKey });
    for (const observer of this.frameObservers) observer(event);
    connection.waiting++;
    const hold = this.takeHold(event);
    if (hold) {
      hold.arrived();
      const delivery = hold.released.then(() => this.deliverMessage(connection, target.function, event));
      hold.handled(delivery);
      // Not on the connection's queue: later frames, and its $disconnect, do not wait for it.
      this.track(delivery);
    } else if (this.options.timing?.parallel) {
      const delivery = this.deliverMessage(connection, target.function, event);
      connection.queue = Promise.all([connection.queue, delivery]).then(() => undefined);
    } else {
      connection.queue = connection.queue.then(() => this.deliverMessage(connection, target.function, event));
    }
  }

  private takeHold(event: WebSocketEvent): Hold | undefined {
    const index = this.holds.findIndex((hold) => hold.matches(event));
    return index === -1 ? undefined : this.holds.splice(index, 1)[0];
  }

  private async deliverMessage(connection: OpenConnection, fn: FunctionName, event: WebSocketEvent): Promise<void> {
    try {
      await this.invoke(fn, event);
    } catch {
      // What API Gateway sends a client when the integration fails.
      if (connection.socket.readyState === WebSocket.OPEN) {
        const { connectionId, requestId } = event.requestContext;
        connection.socket.send(JSON.stringify({ message: 'Internal server error', connectionId, requestId }));
      }
    } finally {
      connection.waiting--;
    }
  }

  private closed(connection: ConnectionRecord, code: number, reason: string): void {
    clearTimeout(connection.idleTimer);
    clearTimeout(connection.lifetimeTimer);
    this.connections.delete(connection.connectionId);
    if (this.options.deliverDisconnect && !this.options.deliverDisconnect(connection)) {
      this.track(connection.queue);
      return;
    }
    const event = disconnectEvent(this.api, connection, { statusCode: code, reason });
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
    this.workInFlight.add(work);
    void work.finally(() => this.workInFlight.delete(work));
  }

  private async invoke(fn: FunctionName, event: WebSocketEvent): Promise<WebSocketResult | void> {
    const latency = this.options.timing?.delayOf(fn) ?? 0;
    if (latency > 0) await delay(latency);
    const started = performance.now();
    try {
      return await this.options.functions[fn](event);
    } finally {
      this.options.onInvoked?.(fn, performance.now() - started);
    }
  }

  private armIdleTimer(connection: OpenConnection): void {
    clearTimeout(connection.idleTimer);
    connection.idleTimer = setTimeout(
      () => connection.socket.close(1001, 'Going away'),
      this.options.idleTimeoutSeconds * 1000,
    );
  }

  private async serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const connectionId = addressedConnection(request);
    if (connectionId !== undefined) await this.managementApi.serve(request, response, connectionId);
    else if (this.options.fallback) await this.options.fallback(request, response);
    else this.answerStatus(request, response);
  }

  private answerStatus(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`y-webrtc signaling: ${this.connections.size} connections\n`);
  }
}

/** A failing HTTP handler must not take the process down with an unhandled rejection. */
function answerFailure(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(`${error instanceof Error ? error.message : String(error)}\n`);
}

/** A connection as API Gateway identifies it on its handshake, before any authorizer ran. */
function newConnection(request: IncomingMessage): ConnectionFacts {
  const userAgent = request.headers['user-agent'];
  return {
    connectionId: randomBytes(11).toString('base64'),
    connectedAt: Date.now(),
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    ...(userAgent ? { userAgent } : {}),
  };
}

function refuseHandshake(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
