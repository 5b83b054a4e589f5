import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { clientIdentity, type AwsClientSettings } from '../config/aws-clients.js';
import type { Limits } from '../config/limits.js';
import type { ConnectionSender, SendOutcome } from '../signaling/ports.js';
import { jitter, sleep } from '../shared/delay.js';

type SenderLimits = Pick<Limits, 'fanOutConcurrency' | 'sendAttempts'>;

/** Sends to WebSocket connections through the API Gateway management API (`@connections`). */
export class ApiGatewaySender implements ConnectionSender {
  constructor(
    private readonly client: ApiGatewayManagementApiClient,
    private readonly limits: SenderLimits,
    private readonly baseDelayMs = 50,
  ) {}

  async send(connectionId: string, data: string): Promise<SendOutcome> {
    const command = new PostToConnectionCommand({ ConnectionId: connectionId, Data: data });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(command);
        return 'delivered';
      } catch (error) {
        if (errorName(error) === 'GoneException') return 'gone';
        if (!isWorthRetrying(error) || attempt >= this.limits.sendAttempts) throw error;
        await sleep(jitter(this.baseDelayMs * 2 ** attempt));
      }
    }
  }
}

/**
 * A management API client with keep-alive sockets, enough of them for one fan-out.
 * `endpoint` is `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}` on AWS.
 */
export function createManagementClient(endpoint: string, limits: SenderLimits, aws?: AwsClientSettings): ApiGatewayManagementApiClient {
  const agentOptions = { keepAlive: true, maxSockets: limits.fanOutConcurrency };
  return new ApiGatewayManagementApiClient({
    endpoint,
    ...clientIdentity(aws),
    // ApiGatewaySender owns the retry policy, so one slow receiver is not retried twice over.
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpsAgent: new Agent(agentOptions),
      httpAgent: new HttpAgent(agentOptions),
    }),
  });
}

interface ServiceError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function errorName(error: unknown): string | undefined {
  return (error as ServiceError | undefined)?.name;
}

/** Throttling (429), server faults (5xx) and a dropped connection (the SDK's TimeoutError: ECONNRESET, EPIPE, ETIMEDOUT) pass; anything else will fail again. */
function isWorthRetrying(error: unknown): boolean {
  const status = (error as ServiceError | undefined)?.$metadata?.httpStatusCode ?? 0;
  return errorName(error) === 'LimitExceededException' || errorName(error) === 'TimeoutError' || status === 429 || status >= 500;
}
