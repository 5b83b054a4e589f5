import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocket } from 'ws';

/** What the management API reads and changes of an open connection. */
export interface ManagedConnection {
  readonly socket: WebSocket;
  readonly connectedAt: number;
  lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent?: string;
}

export interface ManagementApiOptions {
  readonly connection: (connectionId: string) => ManagedConnection | undefined;
  readonly maxMessageBytes: number;
}

/** The stage prefix is optional: the functions' client sends it, a hand-written URL may not. */
const connectionsPath = /^(?:\/[^/]+)?\/@connections\/([^/?]+)$/;

/** The connection a request to `/@connections/{id}` addresses; undefined for any other path. */
export function addressedConnection(request: IncomingMessage): string | undefined {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  const match = connectionsPath.exec(pathname);
  return match ? decodeURIComponent(match[1] ?? '') : undefined;
}

/**
 * API Gateway's `@connections` API: `POST` sends to a connection, `GET` describes it,
 * `DELETE` closes it, with API Gateway's status codes and error names (`x-amzn-errortype`),
 * which the functions' client names as the service does (`GoneException`...).
 */
export class ManagementApi {
  constructor(private readonly options: ManagementApiOptions) {}

  /** `POST @connections/{id}` without HTTP: what the local runtime's handlers use by default. */
  post(connectionId: string, data: string): 'delivered' | 'gone' | 'too-large' {
    const connection = this.options.connection(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) return 'gone';
    if (Buffer.byteLength(data) > this.options.maxMessageBytes) return 'too-large';
    connection.socket.send(data);
    connection.lastActiveAt = Date.now();
    return 'delivered';
  }

  async serve(request: IncomingMessage, response: ServerResponse, connectionId: string): Promise<void> {
    const body = await readBody(request);
    const connection = this.options.connection(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      return serviceError(response, 410, 'GoneException', `connection ${connectionId} is gone`);
    }
    switch (request.method) {
      case 'POST':
        if (this.post(connectionId, body.toString('utf8')) === 'too-large') {
          return serviceError(response, 413, 'PayloadTooLargeException', 'payload too large');
        }
        response.writeHead(200).end();
        return;
      case 'GET':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(describeConnection(connection)));
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

function describeConnection(connection: ManagedConnection) {
  return {
    ConnectedAt: new Date(connection.connectedAt).toISOString(),
    LastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    Identity: { SourceIp: connection.sourceIp, UserAgent: connection.userAgent },
  };
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
