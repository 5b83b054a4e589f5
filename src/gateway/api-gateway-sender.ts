import { AwsServiceError, isTransient } from '../aws/aws-error.js';
import { ManagementApi } from '../aws/management-api.js';
import type { AwsIdentity } from '../aws/credentials.js';
import type { Limits } from '../config/limits.js';
import type { ConnectionSender, SendOutcome } from '../signaling/ports.js';
import { jitter, sleep } from '../shared/delay.js';

type SenderLimits = Pick<Limits, 'fanOutConcurrency' | 'sendAttempts'>;

/** Sends to WebSocket connections through the API Gateway management API (`@connections`). */
export class ApiGatewaySender implements ConnectionSender {
  constructor(
    private readonly client: ManagementApi,
    private readonly limits: SenderLimits,
    private readonly baseDelayMs = 50,
  ) {}

  async send(connectionId: string, data: string): Promise<SendOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.postToConnection(connectionId, data);
        return 'delivered';
      } catch (error) {
        if (error instanceof AwsServiceError && error.name === 'GoneException') return 'gone';
        if (!isTransient(error) || attempt >= this.limits.sendAttempts) throw error;
        await sleep(jitter(this.baseDelayMs * 2 ** attempt));
      }
    }
  }
}

/**
 * A management API client with keep-alive sockets, enough of them for one fan-out.
 * `endpoint` is `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}` on AWS.
 */
export function createManagementClient(endpoint: string, limits: SenderLimits, aws: AwsIdentity): ManagementApi {
  return new ManagementApi({ endpoint, region: aws.region, credentials: aws.credentials, maxSockets: limits.fanOutConcurrency });
}

