import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AwsNetworkError } from './aws-error.js';
import type { AwsIdentity } from './credentials.js';
import { signatureHeaders } from './signature-v4.js';

export interface AwsHttpRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface AwsHttpResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface AwsHttpOptions extends AwsIdentity {
  readonly service: string;
  /** Sockets kept open per host (keep-alive). */
  readonly maxSockets?: number;
}

/**
 * Signed POSTs to one AWS service over keep-alive sockets: what the functions need of the SDK's
 * HTTP stack, in a few milliseconds of import instead of some fifty (docs/deploy.md, "Cold start").
 */
export class AwsHttp {
  private readonly agents: { 'http:': HttpAgent; 'https:': HttpsAgent };

  constructor(private readonly options: AwsHttpOptions) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 50 };
    this.agents = { 'http:': new HttpAgent(agentOptions), 'https:': new HttpsAgent(agentOptions) };
  }

  post(request: AwsHttpRequest): Promise<AwsHttpResponse> {
    const { url, body } = request;
    const headers = { ...request.headers, 'content-length': String(Buffer.byteLength(body)) };
    const signed = { ...headers, ...signatureHeaders({ method: 'POST', url, headers, body }, this.options) };
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(url, { method: 'POST', headers: signed, agent: this.agents[secure ? 'https:' : 'http:'] }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => reject(new AwsNetworkError((error as NodeJS.ErrnoException).code, error)));
      });
      outgoing.on('error', (error) => reject(new AwsNetworkError((error as NodeJS.ErrnoException).code, error)));
      outgoing.end(body);
    });
  }

  /** Closes the kept sockets, so a process can end. */
  destroy(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
