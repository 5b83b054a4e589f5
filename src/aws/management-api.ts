import { AwsServiceError } from './aws-error.js';
import { AwsHttp } from './aws-http.js';
import type { AwsIdentity } from './credentials.js';
import { Interceptors } from './interceptors.js';
import { escapeUri } from './signature-v4.js';

/** One post to a connection, as an interceptor sees it. */
export interface PostToConnection {
  readonly connectionId: string;
  readonly data: string;
}

/** Sees, changes, answers or fails every post: how the tests inject the management API's faults. */
export type PostInterceptor = (post: PostToConnection, next: () => Promise<void>) => Promise<void>;

export interface ManagementApiOptions extends AwsIdentity {
  /** `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}` on AWS. */
  readonly endpoint: string;
  /** Sockets kept open: enough for one fan-out. */
  readonly maxSockets?: number;
}

/**
 * API Gateway's management API for WebSocket connections (`POST @connections/{id}`), signed
 * and sent by this project's own small client: one attempt per post, the caller decides on
 * retries. Errors are named as the service names them (`GoneException` for 410, ...).
 */
export class ManagementApi {
  private readonly http: AwsHttp;
  private readonly base: string;
  private readonly interceptors = new Interceptors<PostInterceptor>();

  constructor(options: ManagementApiOptions) {
    this.http = new AwsHttp({ ...options, service: 'execute-api' });
    this.base = options.endpoint.replace(/\/+$/, '');
  }

  postToConnection(connectionId: string, data: string): Promise<void> {
    const post = { connectionId, data };
    return this.interceptors.around<() => Promise<void>>(
      () => this.send(post),
      (interceptor, next) => () => interceptor(post, next),
    )();
  }

  /** Adds an interceptor; returns its removal. */
  intercept(interceptor: PostInterceptor): () => void {
    return this.interceptors.add(interceptor);
  }

  destroy(): void {
    this.http.destroy();
  }

  private async send({ connectionId, data }: PostToConnection): Promise<void> {
    const response = await this.http.post({
      url: new URL(`${this.base}/@connections/${escapeUri(connectionId)}`),
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
    });
    if (response.status >= 200 && response.status < 300) return;
    throw managementApiError(response.status, response.headers['x-amzn-errortype'], response.body);
  }
}

const namesByStatus: Record<number, string> = {
  403: 'ForbiddenException',
  410: 'GoneException',
  413: 'PayloadTooLargeException',
  429: 'LimitExceededException',
};

function managementApiError(status: number, errorType: string | string[] | undefined, body: string): AwsServiceError {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const typed = [errorType ?? parsed['__type'] ?? parsed['code']].flat()[0];
  const name = typeof typed === 'string' && typed !== '' ? typed.split(':')[0]!.replace(/^.*#/, '') : (namesByStatus[status] ?? `HttpError${status}`);
  return new AwsServiceError(name, String(parsed['message'] ?? parsed['Message'] ?? `the management API answered ${status}`), status);
}
